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

// After a run of empty polls the loop naps briefly, so an idle node does not burn a core it
// shares with the VTEPs on small machines; traffic wakes it within ~20 us.
class IdlePacer {
 public:
  void after_poll(bool got_frames);

 private:
  static constexpr unsigned kEmptyPollsBeforeNap = 1024;
  static constexpr auto kNap = std::chrono::microseconds(20);
  unsigned empty_polls_ = 0;
};

}  // namespace vxsn
