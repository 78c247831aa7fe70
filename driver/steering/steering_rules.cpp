#include "driver/steering/steering_rules.hpp"

#include <urcu/urcu-memb.h>

namespace vxsn {

std::vector<uint64_t> SteerRuleHits::snapshot() const {
  std::vector<uint64_t> out;
  out.reserve(hits_.size());
  for (const auto& h : hits_) out.push_back(h.load(std::memory_order_relaxed));
  return out;
}

SteeringRuleSet::SteeringRuleSet(SteeringPolicy p, uint64_t v, unsigned lanes)
    : policy(std::move(p)), version(v) {
  for (unsigned i = 0; i < lanes; ++i)
    lane_hits.push_back(std::make_unique<SteerRuleHits>(policy.rules.size()));
}

SteeringRules::SteeringRules(const SteeringPolicy& policy, unsigned lanes)
    : lanes_(lanes), current_(new SteeringRuleSet(policy, 1, lanes)) {}

SteeringRules::~SteeringRules() {
  delete current_.load(std::memory_order_acquire);
}

void SteeringRules::publish(const SteeringPolicy& policy) {
  std::lock_guard lock(writer_mutex_);
  auto* fresh = new SteeringRuleSet(policy, current().version + 1, lanes_);
  // Release: a lane that loads the new pointer (acquire) sees the whole list.
  const SteeringRuleSet* old = current_.exchange(fresh, std::memory_order_acq_rel);
  urcu_memb_synchronize_rcu();  // every lane has passed a quiescent point since the swap
  delete old;
}

std::vector<uint64_t> SteeringRules::hits() const {
  const SteeringRuleSet& set = current();
  std::vector<uint64_t> sum(set.policy.rules.size(), 0);
  for (const auto& lane : set.lane_hits) {
    const std::vector<uint64_t> h = lane->snapshot();
    for (size_t i = 0; i < h.size(); ++i) sum[i] += h[i];
  }
  return sum;
}

}  // namespace vxsn
