// The rte_flow enforcer's sequence through the seam: validate then create, isolation where
// offered, counters where offered, make-before-break replacement, nothing left after exit.
#include <gtest/gtest.h>

#include <algorithm>

#include "driver/steering/flow_enforcer.hpp"
#include "flow_api_double.hpp"

namespace vxsn {
namespace {

using test::FlowApiDouble;

SteeringPolicy policy_for(std::vector<std::string> addresses) {
  SteeringInputs in{{}, 4789, 10001};
  for (const std::string& a : addresses) in.service_addresses.push_back(*IpAddr::parse(a));
  return compile_steering_policy(in);
}

size_t position(const std::vector<std::string>& calls, const std::string& prefix, bool last) {
  size_t found = calls.size();
  for (size_t i = 0; i < calls.size(); ++i) {
    if (calls[i].rfind(prefix, 0) == 0) {
      found = i;
      if (!last) break;
    }
  }
  return found;
}

TEST(FlowEnforcer, ValidatesEveryFlowBeforeCreatingAnyAndKeepsCounters) {
  FlowApiDouble api;
  const SteeringPolicy p = policy_for({"10.0.0.1", "fd00::1"});
  std::string why;
  {
    FlowEnforcer e(api, 0, FlowTargets{});
    ASSERT_TRUE(e.install(p, why)) << why;
    EXPECT_TRUE(e.counting());
    EXPECT_EQ(e.flow_count(), 2 * p.rules.size() - 1);
    EXPECT_EQ(api.live.size(), e.flow_count());
    EXPECT_LT(position(api.calls, "validate", true), position(api.calls, "create", false));
    EXPECT_EQ(api.vxlan_destinations(), (std::set<std::string>{"10.0.0.1", "fd00::1"}));
  }
  EXPECT_TRUE(api.live.empty()) << "nothing left after exit";
  EXPECT_EQ(api.calls.back(), "flush");
}

TEST(FlowEnforcer, WithoutCountersTheSameFlowsAreCreatedUncounted) {
  FlowApiDouble api;
  api.offers_count = false;
  FlowEnforcer e(api, 0, FlowTargets{});
  std::string why;
  ASSERT_TRUE(e.install(policy_for({"10.0.0.1"}), why)) << why;
  EXPECT_FALSE(e.counting());
  for (const auto& [h, f] : api.live) EXPECT_FALSE(f.counted);
  EXPECT_TRUE(e.rule_hits().empty());
}

TEST(FlowEnforcer, RuleHitsSumBothVlanFormsPerRule) {
  FlowApiDouble api;
  const SteeringPolicy p = policy_for({"10.0.0.1"});
  FlowEnforcer e(api, 0, FlowTargets{});
  std::string why;
  ASSERT_TRUE(e.install(p, why)) << why;
  for (const auto& [h, f] : api.live)
    if (!f.vxlan_dst.empty()) api.hits[h] = 5;  // untagged and tagged VXLAN flows
  const std::vector<uint64_t> hits = e.rule_hits();
  ASSERT_EQ(hits.size(), p.rules.size());
  EXPECT_EQ(hits[0], 10u);
  EXPECT_EQ(p.rules[0].name, "vxlan");
}

TEST(FlowEnforcer, IsolationIsRequestedAndHostTrafficThenGoesToTheKernel) {
  FlowApiDouble api;
  FlowEnforcer e(api, 0, FlowTargets{});
  EXPECT_TRUE(e.request_isolation());
  EXPECT_EQ(api.calls, std::vector<std::string>{"isolate on"});
  std::string why;
  const SteeringPolicy p = policy_for({"10.0.0.1"});
  ASSERT_TRUE(e.install(p, why));
  EXPECT_EQ(e.flow_count(), 2 * p.rules.size() - 2) << "no catch-all when isolated";

  FlowApiDouble plain;
  plain.offers_isolation = false;
  FlowEnforcer f(plain, 0, FlowTargets{});
  EXPECT_FALSE(f.request_isolation());
  EXPECT_FALSE(f.isolated());
}

TEST(FlowEnforcer, ARefusedCreateLeavesNothingInstalled) {
  FlowApiDouble api;
  api.refuse_create_at = 5;
  FlowEnforcer e(api, 0, FlowTargets{});
  std::string why;
  EXPECT_FALSE(e.install(policy_for({"10.0.0.1"}), why));
  EXPECT_NE(why.find("rte_flow_create refused"), std::string::npos) << why;
  EXPECT_NE(why.find("no room"), std::string::npos) << why;
  EXPECT_TRUE(api.live.empty());
  EXPECT_EQ(e.flow_count(), 0u);
}

TEST(FlowEnforcer, ReplacingServiceAddressesIsMakeBeforeBreak) {
  FlowApiDouble api;
  FlowEnforcer e(api, 0, FlowTargets{});
  std::string why;
  ASSERT_TRUE(e.install(policy_for({"10.0.0.1", "10.0.0.2"}), why)) << why;
  const size_t old_count = api.live.size();
  // At every step of the replacement the address kept throughout has its VXLAN flow.
  bool kept_always = true;
  api.after_call = [&](const std::string&) {
    kept_always = kept_always && api.vxlan_destinations().count("10.0.0.2") == 1;
  };
  const size_t before = api.calls.size();
  ASSERT_TRUE(e.replace(policy_for({"10.0.0.2", "10.0.0.3"}), why)) << why;
  EXPECT_TRUE(kept_always);
  const std::vector<std::string> step(api.calls.begin() + before, api.calls.end());
  EXPECT_LT(position(step, "create", true), position(step, "destroy", false))
      << "every new flow before the first old one goes";
  EXPECT_EQ(std::count_if(step.begin(), step.end(),
                          [](const std::string& c) { return c.rfind("destroy", 0) == 0; }),
            static_cast<long>(old_count));
  EXPECT_EQ(api.vxlan_destinations(), (std::set<std::string>{"10.0.0.2", "10.0.0.3"}));
  EXPECT_EQ(api.live.size(), e.flow_count());
}

TEST(FlowEnforcer, ARefusedReplacementKeepsTheOldPolicy) {
  FlowApiDouble api;
  FlowEnforcer e(api, 0, FlowTargets{});
  std::string why;
  ASSERT_TRUE(e.install(policy_for({"10.0.0.1"}), why)) << why;
  const auto old_live = api.live;
  api.refuse_create_at = api.creates + 3;
  EXPECT_FALSE(e.replace(policy_for({"10.0.0.9"}), why));
  EXPECT_EQ(api.live.size(), old_live.size());
  for (const auto& [h, f] : old_live) EXPECT_TRUE(api.live.count(h));
  EXPECT_EQ(api.vxlan_destinations(), std::set<std::string>{"10.0.0.1"});
}

}  // namespace
}  // namespace vxsn
