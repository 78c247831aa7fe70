// What both DPDK poll loops (software datapath, emulated card) share: the (port, queue)
// pairs each datapath lane polls, copies gathered per egress port and sent in bursts on the
// lane's own TX queue, and the pacing of an idle loop.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <vector>

#include "driver/dpdk/port.hpp"
#include "host/datapath/counters.hpp"

struct rte_mbuf;

namespace vxsn {

inline constexpr uint16_t kPollBurst = 32;

// One RX queue of one port, polled by exactly one lane.
struct RxQueueRef {
  DpdkPort* port;
  uint16_t queue;
};

// Lane `lane` of `lanes` polls queue q of every port where q % lanes == lane: each lane
// gets a share of every port, and a port with fewer queues than lanes leaves the last lanes
// without its traffic (they still transmit on it).
std::vector<RxQueueRef> rx_queues_of_lane(const std::vector<DpdkPort*>& ports, unsigned lane,
                                          unsigned lanes);

// Collects mbufs per egress port and sends them kPollBurst at a time on `tx_queue` (the
// lane's own). A TX ring that stays full after a few retries drops the rest, counted as
// tx_full: the loop never blocks.
class TxBatcher {
 public:
  TxBatcher(const std::vector<DpdkPort*>& ports, DatapathCounters& counters, uint16_t tx_queue);
  // Takes ownership of `m`, queued for `port`.
  void add(uint16_t port, rte_mbuf* m);
  void flush_all();

 private:
  struct Pending {
    std::array<rte_mbuf*, kPollBurst> mbufs;
    uint16_t count = 0;
  };
  void flush(uint16_t port);

  const std::vector<DpdkPort*>& ports_;
  DatapathCounters& counters_;
  uint16_t tx_queue_;
  std::vector<Pending> pending_;
};

// After the lane has found nothing for a while it naps briefly after each empty poll, so an
// idle node does not burn a core it shares with the VTEPs on small machines; traffic wakes
// it within ~20 us (plus the thread's timer slack). "A while" is time, not a number of
// polls: an empty poll costs from ~50 ns (an AF_XDP ring read) to microseconds (a PMD that
// makes a syscall), and a lane between a sender's bursts, tens to hundreds of microseconds
// apart, should keep polling rather than pay a sleep and a wake-up for every gap.
class IdlePacer {
 public:
  IdlePacer();
  void after_poll(bool got_frames);

 private:
  static constexpr auto kIdleBeforeNap = std::chrono::milliseconds(1);
  static constexpr auto kNap = std::chrono::microseconds(20);
  uint64_t idle_before_nap_cycles_;
  uint64_t idle_since_ = 0;  // TSC of the first empty poll of the run; 0 while busy
};

}  // namespace vxsn
