// The software enforcer interprets the compiled rule list: every policy class and the near
// misses of each, on frames built byte by byte here (not by the code under test).
#include "driver/steering/software_classifier.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "steer_corpus.hpp"

namespace vxsn {
namespace {

using test::CorpusFrame;

SteeringPolicy policy() {
  return compile_steering_policy(
      {{*IpAddr::parse("10.0.0.1"), *IpAddr::parse("fd00::1")}, 4789, 10001});
}

TEST(SoftwareClassifier, EveryCorpusFrameGetsItsExpectedActionAndRule) {
  const SteeringPolicy p = policy();
  for (const CorpusFrame& f : test::steer_corpus(p.inputs)) {
    const size_t rule = classify_frame(f.bytes, p);
    EXPECT_EQ(to_string(p.rules[rule].action), std::string(to_string(f.expected)))
        << f.label << " matched rule " << p.rules[rule].name;
    EXPECT_EQ(p.rules[rule].name, f.expected_rule) << f.label;
  }
}

TEST(SoftwareClassifier, HonoursTheConfiguredVxlanPort) {
  SteeringPolicy p = compile_steering_policy({{*IpAddr::parse("10.0.0.1")}, 8472, std::nullopt});
  const auto v4 = *IpAddr::parse("10.0.0.1");
  EXPECT_EQ(p.rules[classify_frame(test::udp_frame(v4, 8472), p)].action, SteerAction::kDatapath);
  EXPECT_EQ(p.rules[classify_frame(test::udp_frame(v4, 4789), p)].action, SteerAction::kDrop);
  // Registration not running: its port is "anything else" to the service address.
  EXPECT_EQ(p.rules[classify_frame(test::udp_frame(v4, 10001), p)].action, SteerAction::kDrop);
}

TEST(SoftwareClassifier, CountsEveryFrameOnTheRuleItMatched) {
  const SteeringPolicy p = policy();
  // One lane, read without a grace period ever waiting on it (nothing is published here).
  SteeringRules rules(p, 1);
  SoftwareClassifier c(rules, 0);
  c.begin_burst();
  const auto v4 = *IpAddr::parse("10.0.0.1");
  EXPECT_EQ(c.classify(test::udp_frame(v4, 4789)), SteerAction::kDatapath);
  EXPECT_EQ(c.classify(test::udp_frame(v4, 4789)), SteerAction::kDatapath);
  EXPECT_EQ(c.classify(test::udp_frame(v4, 53)), SteerAction::kDrop);
  const std::vector<uint64_t> hits = rules.hits();
  uint64_t total = 0;
  for (size_t i = 0; i < hits.size(); ++i) {
    total += hits[i];
    if (p.rules[i].name == "vxlan" && p.rules[i].match.dst == v4) {
      EXPECT_EQ(hits[i], 2u);
    }
    if (p.rules[i].name == "service-other" && p.rules[i].match.dst == v4) {
      EXPECT_EQ(hits[i], 1u);
    }
  }
  EXPECT_EQ(total, 3u);
}

}  // namespace
}  // namespace vxsn
