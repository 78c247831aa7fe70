// The rule list compiled from the config, field by field, and the inputs it refuses.
#include <gtest/gtest.h>

#include <set>

#include "driver/steering/steering_policy.hpp"

namespace vxsn {
namespace {

const IpAddr kV4 = *IpAddr::parse("10.0.0.1");
const IpAddr kV6 = *IpAddr::parse("fd00::1");

SteerMatch m(L3Match l3, const IpAddr& dst, uint8_t proto, uint16_t sport, uint16_t dport,
             bool fragment = false) {
  return SteerMatch{l3, dst, proto, fragment, sport, dport};
}

TEST(SteeringPolicy, OneIpv4AddressGivesTheFullRuleListInTierOrder) {
  const SteeringPolicy p = compile_steering_policy({{kV4}, 4789, 10001});
  const L3Match v4 = L3Match::kIpv4;
  const std::vector<SteerRule> want = {
      {"vxlan", 0, m(v4, kV4, 17, 0, 4789), SteerAction::kDatapath},
      {"registration", 0, m(v4, kV4, 17, 0, 10001), SteerAction::kRegistration},
      {"bfd-control", 0, m(v4, kV4, 17, 0, 3784), SteerAction::kHost},
      {"bfd-echo", 0, m(v4, kV4, 17, 0, 3785), SteerAction::kHost},
      {"bfd-multihop", 0, m(v4, kV4, 17, 0, 4784), SteerAction::kHost},
      {"bgp", 0, m(v4, kV4, 6, 0, 179), SteerAction::kHost},
      {"bgp-reply", 0, m(v4, kV4, 6, 179, 0), SteerAction::kHost},
      {"ssh", 0, m(v4, kV4, 6, 0, 22), SteerAction::kHost},
      {"icmp", 0, m(v4, kV4, 1, 0, 0), SteerAction::kHost},
      {"fragment", 0, m(v4, kV4, 0, 0, 0, true), SteerAction::kHost},
      {"arp", 0, m(L3Match::kArp, IpAddr{}, 0, 0, 0), SteerAction::kHost},
      {"service-other", 1, m(v4, kV4, 0, 0, 0), SteerAction::kDrop},
      {"host-default", 2, SteerMatch{}, SteerAction::kHost},
  };
  ASSERT_EQ(p.rules.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(p.rules[i], want[i]) << "rule " << i;
}

TEST(SteeringPolicy, Ipv6AddressUsesIcmpv6AndEveryAddressGetsItsOwnRules) {
  const SteeringPolicy p = compile_steering_policy({{kV4, kV6}, 8472, std::nullopt});
  std::set<std::string> v6_rules;
  unsigned drops = 0;
  for (const SteerRule& r : p.rules) {
    if (r.match.dst == kV6) {
      EXPECT_EQ(r.match.l3, L3Match::kIpv6) << r.name;
      v6_rules.insert(r.name);
    }
    if (r.action == SteerAction::kDrop) ++drops;
    EXPECT_NE(r.name, "registration") << "registration is off";
    if (r.name == "vxlan") {
      EXPECT_EQ(r.match.dst_port, 8472);
    }
  }
  EXPECT_EQ(drops, 2u);
  EXPECT_TRUE(v6_rules.count("icmpv6"));
  EXPECT_FALSE(v6_rules.count("icmp"));
  EXPECT_TRUE(v6_rules.count("vxlan") && v6_rules.count("fragment"));
}

TEST(SteeringPolicy, TiersAscendAndTheListEndsWithTheCatchAll) {
  const SteeringPolicy p = compile_steering_policy({{kV4, kV6}, 4789, 10001});
  for (size_t i = 1; i < p.rules.size(); ++i) EXPECT_LE(p.rules[i - 1].tier, p.rules[i].tier);
  EXPECT_EQ(p.rules.back().match, SteerMatch{});
  EXPECT_EQ(p.rules.back().action, SteerAction::kHost);
}

TEST(SteeringPolicy, BadInputIsRefusedWithTheReason) {
  auto error = [](const SteeringInputs& in) {
    try {
      compile_steering_policy(in);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(error({{}, 4789, 10001}).find("no service address"), std::string::npos);
  EXPECT_NE(error({{IpAddr{}}, 4789, 10001}).find("neither IPv4 nor IPv6"), std::string::npos);
  EXPECT_NE(error({{kV4, kV4}, 4789, 10001}).find("listed twice"), std::string::npos);
  EXPECT_NE(error({{kV4}, 3784, 10001}).find("bfd-control"), std::string::npos);
  EXPECT_NE(error({{kV4}, 4789, 4789}).find("share UDP port"), std::string::npos);
  EXPECT_NE(error({{kV4}, 0, 10001}).find("must not be 0"), std::string::npos);
  // More than the datapath's address check holds: refused, not silently cut to 8.
  SteeringInputs nine{{}, 4789, 10001};
  for (int i = 1; i <= 9; ++i)
    nine.service_addresses.push_back(*IpAddr::parse("10.0.9." + std::to_string(i)));
  EXPECT_NE(error(nine).find("at most 8"), std::string::npos) << error(nine);
  nine.service_addresses.pop_back();
  EXPECT_EQ(error(nine), "accepted");
}

}  // namespace
}  // namespace vxsn
