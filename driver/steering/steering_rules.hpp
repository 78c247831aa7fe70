// The steering rule list the datapath lanes classify with, replaceable while they run (a
// reload that changes node.service_addresses). Lanes read it without a lock: an atomic
// pointer to an immutable rule set under userspace RCU (liburcu, memb flavour, the flood
// table's too, so a lane's one registration covers both); publish() swaps the pointer,
// waits until every lane has left the read section that might hold the old set, then frees
// it. A frame is classified by the old list or the new one, never by a mix.
//
// Lanes:   SteeringRules::ReadSection rs;  (per burst, in a thread registered with RCU)
//          const SteeringRuleSet& set = *rules.current_for_reader();
// Control: rules.publish(policy); rules.current(); rules.hits();  (one thread only)
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "driver/rcu_read_section.hpp"
#include "driver/steering/steering_policy.hpp"

namespace vxsn {

// Hits per rule, written by one lane, read by any thread.
class SteerRuleHits {
 public:
  explicit SteerRuleHits(size_t rules) : hits_(rules) {}
  void add(size_t rule) {
    hits_[rule].store(hits_[rule].load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }
  std::vector<uint64_t> snapshot() const;

 private:
  std::vector<std::atomic<uint64_t>> hits_;
};

// One compiled policy with its hit counters (they count this list's rules, so they start
// at zero with every new list). Immutable but for the counters.
struct SteeringRuleSet {
  SteeringRuleSet(SteeringPolicy policy, uint64_t version, unsigned lanes);
  const SteeringPolicy policy;
  const uint64_t version;  // 1 for the list at start, +1 per publish
  // One counter block per lane, each its own allocation (no shared cache lines).
  std::vector<std::unique_ptr<SteerRuleHits>> lane_hits;
};

class SteeringRules {
 public:
  // RAII read-side critical section; may nest. Only in threads registered with RCU.
  using ReadSection = RcuReadSection;

  SteeringRules(const SteeringPolicy& policy, unsigned lanes);
  ~SteeringRules();  // no lane may still read
  SteeringRules(const SteeringRules&) = delete;
  SteeringRules& operator=(const SteeringRules&) = delete;

  // Makes `policy` current for every lane, waits a grace period, frees the old set. Never
  // from inside a ReadSection. Writers are serialised.
  void publish(const SteeringPolicy& policy);

  // The current set; never null. Valid until the enclosing ReadSection ends.
  const SteeringRuleSet* current_for_reader() const {
    return current_.load(std::memory_order_acquire);
  }
  // The current set, for the thread that publishes (nothing frees it under that thread).
  const SteeringRuleSet& current() const { return *current_.load(std::memory_order_acquire); }
  // The current list's hits per rule, summed over lanes; publisher's thread.
  std::vector<uint64_t> hits() const;
  unsigned lanes() const { return lanes_; }

 private:
  unsigned lanes_;
  std::mutex writer_mutex_;
  std::atomic<const SteeringRuleSet*> current_;
};

}  // namespace vxsn
