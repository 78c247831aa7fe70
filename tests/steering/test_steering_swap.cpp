// The software classifier's rule list swapped while a lane classifies (a reload of the
// service addresses): a real lane thread classifies continuously in bursts, as the
// datapath does, while the control thread publishes lists that add and remove addresses.
// Every frame is classified by exactly one list, the old or the new (the verdict is
// checked against the list the lane held), and after the last swap the removed address's
// VXLAN goes to the host while the new address's goes to the datapath.
#include <gtest/gtest.h>
#include <urcu/urcu-memb.h>

#include <array>
#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "driver/steering/software_classifier.hpp"
#include "steer_corpus.hpp"

namespace vxsn {
namespace {

const IpAddr kA = *IpAddr::parse("10.0.0.1");
const IpAddr kB = *IpAddr::parse("10.0.0.2");

SteeringPolicy policy_for(std::vector<IpAddr> addresses) {
  return compile_steering_policy({std::move(addresses), 4789, 10001});
}

// The lane's thread is an RCU reader for its life, as a datapath lane is.
struct RcuReader {
  RcuReader() { urcu_memb_register_thread(); }
  ~RcuReader() { urcu_memb_unregister_thread(); }
};

TEST(SteeringSwap, EveryFrameIsClassifiedByTheOldListOrTheNewNeverAMix) {
  // Published in turn: version 1 is the first, then 2, 3, ... cycling through these.
  const std::array<SteeringPolicy, 4> cycle = {policy_for({kA}), policy_for({kA, kB}),
                                               policy_for({kB}), policy_for({kA, kB})};
  const std::array<std::vector<uint8_t>, 4> frames = {
      test::udp_frame(kA, 4789), test::udp_frame(kB, 4789),
      test::udp_frame(kA, 179, {.proto = kIpProtoTcp}), test::udp_frame(kB, 53)};
  SteeringRules rules(cycle[0], 1);
  constexpr uint64_t kSwaps = 300;
  std::atomic<bool> done{false};
  std::atomic<uint64_t> lane_version{0};  // the version of the lane's last burst
  uint64_t classified = 0, wrong = 0;
  std::set<uint64_t> versions;

  std::thread lane([&] {
    RcuReader reader;
    SoftwareClassifier classifier(rules, 0);
    do {
      SteeringRules::ReadSection read;
      const SteeringRuleSet& set = classifier.begin_burst();
      // What the list of this version gives, from the test's own copy of it.
      const SteeringPolicy& expected_list = cycle[(set.version - 1) % cycle.size()];
      for (size_t i = 0; i < 32; ++i) {
        const std::vector<uint8_t>& frame = frames[i % frames.size()];
        const size_t rule = classifier.classify_rule(frame);
        const size_t expected = classify_frame(frame, expected_list);
        if (rule != expected || set.policy.rules[rule] != expected_list.rules[expected]) ++wrong;
        ++classified;
      }
      versions.insert(set.version);
      lane_version.store(set.version, std::memory_order_release);
    } while (!done.load(std::memory_order_acquire));
  });
  // Each swap lands wherever the lane is in its bursts; the next waits until the lane has
  // classified with the one before, so every list is used.
  for (uint64_t v = 2; v <= kSwaps + 1; ++v) {
    while (lane_version.load(std::memory_order_acquire) != v - 1) std::this_thread::yield();
    rules.publish(cycle[(v - 1) % cycle.size()]);
  }
  while (lane_version.load(std::memory_order_acquire) != kSwaps + 1) std::this_thread::yield();
  done.store(true, std::memory_order_release);
  lane.join();

  EXPECT_EQ(wrong, 0u) << "frames classified by neither the old nor the new list";
  EXPECT_EQ(versions.size(), kSwaps + 1) << "every list classified frames";
  EXPECT_GE(classified, 32u * (kSwaps + 1));
}

TEST(SteeringSwap, AfterTheSwapTheRemovedAddressGoesToTheHostAndTheNewOneToTheDatapath) {
  SteeringRules rules(policy_for({kA}), 1);
  RcuReader reader;  // this thread plays the lane between the swaps
  SoftwareClassifier lane(rules, 0);
  auto classify = [&](const IpAddr& to) {
    SteeringRules::ReadSection read;
    lane.begin_burst();
    return lane.classify(test::udp_frame(to, 4789));
  };
  EXPECT_EQ(classify(kA), SteerAction::kDatapath);
  EXPECT_EQ(classify(kB), SteerAction::kHost) << "not a service address yet";

  rules.publish(policy_for({kA, kB}));
  EXPECT_EQ(classify(kA), SteerAction::kDatapath);
  EXPECT_EQ(classify(kB), SteerAction::kDatapath);

  rules.publish(policy_for({kB}));
  EXPECT_EQ(classify(kA), SteerAction::kHost);
  EXPECT_EQ(classify(kB), SteerAction::kDatapath);
  // Counted on the new list's rules (its counters start at zero).
  const SteeringPolicy& now = rules.current().policy;
  const std::vector<uint64_t> hits = rules.hits();
  ASSERT_EQ(hits.size(), now.rules.size());
  for (size_t i = 0; i < hits.size(); ++i) {
    const bool vxlan_b = now.rules[i].name == "vxlan" && now.rules[i].match.dst == kB;
    const bool host_default = now.rules[i].name == "host-default";
    EXPECT_EQ(hits[i], vxlan_b || host_default ? 1u : 0u) << now.rules[i].name;
  }
}

}  // namespace
}  // namespace vxsn
