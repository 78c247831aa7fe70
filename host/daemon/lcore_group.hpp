// The datapath's lcores: one body per lane launched on its own pinned EAL worker lcore
// (rte_eal_remote_launch), stopped together and joined (rte_eal_wait_lcore) before the
// ports they poll may stop. The main lcore (control loop, API) never runs a lane.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace vxsn {

class LcoreGroup {
 public:
  // Claims the first `lanes` EAL worker lcores. Throws std::runtime_error if the EAL was
  // started with fewer (datapath.lcores decides how many the daemon's EAL gets).
  explicit LcoreGroup(unsigned lanes);
  ~LcoreGroup() { stop(); }
  LcoreGroup(const LcoreGroup&) = delete;
  LcoreGroup& operator=(const LcoreGroup&) = delete;

  // Runs body(lane) on each lane's lcore; the body polls while next_turn(lane) holds.
  void start(std::function<void(unsigned lane)> body);
  // Every body sees next_turn() false after its current burst and returns; waits for all.
  void stop();
  bool running() const { return running_.load(std::memory_order_relaxed); }

  // The loop's condition, once per turn: counts the lane's turn (the health check sees a
  // lane that stopped turning) and says whether to go on. That lane's lcore only.
  bool next_turn(unsigned lane) {
    std::atomic<uint64_t>& t = turns_[lane].value;
    t.store(t.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    return running();
  }
  unsigned lanes() const { return static_cast<unsigned>(lcores_.size()); }
  unsigned lcore_id(unsigned lane) const { return lcores_[lane]; }
  uint64_t turns(unsigned lane) const { return turns_[lane].value.load(std::memory_order_relaxed); }
  // The fewest turns of any lane: grows only while every lane turns.
  uint64_t min_turns() const;

 private:
  struct alignas(64) Turns {
    std::atomic<uint64_t> value{0};
  };
  struct Launch {
    LcoreGroup* group;
    unsigned lane;
  };
  static int run_lane(void* arg);

  std::vector<unsigned> lcores_;
  std::unique_ptr<Turns[]> turns_;
  std::vector<Launch> launches_;
  std::function<void(unsigned)> body_;
  std::atomic<bool> running_{false};
};

}  // namespace vxsn
