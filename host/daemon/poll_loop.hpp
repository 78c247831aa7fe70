// What both DPDK poll loops (software datapath, emulated card) share: their thread, copies
// gathered per egress port and sent in bursts, and the pacing of an idle loop.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <thread>
#include <vector>

#include "driver/dpdk/port.hpp"
#include "host/datapath/counters.hpp"

struct rte_mbuf;

namespace vxsn {

inline constexpr uint16_t kPollBurst = 32;

// Collects mbufs per egress port and sends them kPollBurst at a time. A TX ring that stays
// full after a few retries drops the rest, counted as tx_full: the loop never blocks.
class TxBatcher {
 public:
  TxBatcher(const std::vector<DpdkPort*>& ports, DatapathCounters& counters);
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

// The poll loop's own thread, registered with DPDK as a non-EAL thread so it gets an lcore
// id and mempool caches work for it. `body` polls while next_turn() holds.
class PollThread {
 public:
  ~PollThread() { stop(); }
  void start(const char* name, std::function<void()> body);
  // Returns after the current burst: the loop sees next_turn() false and drains.
  void stop();
  bool running() const { return running_.load(std::memory_order_relaxed); }
  // The loop's condition, once per turn: counts the turn (the daemon's health check sees a
  // loop that stopped turning) and says whether to go on. Poll thread only.
  bool next_turn() {
    turns_.store(turns_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    return running();
  }
  uint64_t turns() const { return turns_.load(std::memory_order_relaxed); }

 private:
  std::atomic<bool> running_{false};
  std::atomic<uint64_t> turns_{0};
  std::thread thread_;
};

}  // namespace vxsn
