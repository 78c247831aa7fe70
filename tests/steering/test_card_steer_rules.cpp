// The steering policy as the card holds it (driver/steering/card_steer_rules): the
// per-address rules folded into address-free shapes, in policy order, and refused when a
// fold would change what the policy says. What the kernel does with them is
// tests/csim/test_csim_punt.
#include <gtest/gtest.h>

#include "driver/steering/card_steer_rules.hpp"

namespace vxsn {
namespace {

IpAddr ip(const char* text) {
  return *IpAddr::parse(text);
}

TEST(CardSteerRules, EveryAddressSharesItsFamilysShapesInPolicyOrder) {
  const SteeringPolicy one = compile_steering_policy({{ip("10.0.0.1")}, 4789, 10001});
  const SteeringPolicy eight =
      compile_steering_policy({{ip("10.0.0.1"), ip("10.0.0.2"), ip("10.0.0.3"), ip("10.0.0.4"),
                                ip("fd00::1"), ip("fd00::2"), ip("fd00::3"), ip("fd00::4")},
                               4789,
                               10001});
  const auto rules = card_steer_rules(one);
  // vxlan, registration, 3 BFD, bgp, bgp-reply, ssh, icmp, fragment, arp, service-other,
  // host-default.
  ASSERT_EQ(rules.size(), 13u);
  EXPECT_EQ(rules[0].l3, hw::kSteerL3Ipv4);
  EXPECT_EQ(rules[0].flags, hw::kSteerToService);
  EXPECT_EQ(rules[0].ip_proto, kIpProtoUdp);
  EXPECT_EQ(rules[0].dst_port, 4789);
  EXPECT_EQ(rules[0].action, hw::kSteerDatapath);
  EXPECT_EQ(rules[1].action, hw::kSteerRegistration);
  EXPECT_EQ(rules[9].flags, hw::kSteerToService | hw::kSteerFragment);
  EXPECT_EQ(rules[10].l3, hw::kSteerL3Arp);
  EXPECT_EQ(rules[11].action, hw::kSteerDrop);
  EXPECT_EQ(rules[12].l3, hw::kSteerL3Any);
  EXPECT_EQ(rules[12].flags, 0);
  EXPECT_EQ(rules[12].action, hw::kSteerHost);
  // Eight addresses of two families: one set of shapes per family, within the card.
  EXPECT_EQ(card_steer_rules(eight).size(), 24u);
  EXPECT_LE(card_steer_rules(eight).size(), hw::kMaxSteerRules);
}

TEST(CardSteerRules, AShapeGivenToSomeAddressesOnlyIsRefused) {
  SteeringPolicy p = compile_steering_policy({{ip("10.0.0.1"), ip("10.0.0.2")}, 4789, 10001});
  // Take 10.0.0.2's SSH rule away: the card would apply the shape to both addresses.
  std::erase_if(
      p.rules, [](const SteerRule& r) { return r.name == "ssh" && r.match.dst == ip("10.0.0.2"); });
  try {
    card_steer_rules(p);
    FAIL() << "accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("ssh"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("10.0.0.2"), std::string::npos) << e.what();
  }
}

TEST(CardSteerRules, MoreShapesThanTheCardHoldsAreRefused) {
  SteeringPolicy p = compile_steering_policy({{ip("10.0.0.1")}, 4789, 10001});
  for (uint16_t port = 1; port <= hw::kMaxSteerRules; ++port) {
    SteerRule r;
    r.name = "extra";
    r.match.l3 = L3Match::kIpv4;
    r.match.ip_proto = kIpProtoTcp;
    r.match.dst_port = static_cast<uint16_t>(1000 + port);
    p.rules.insert(p.rules.begin(), r);
  }
  EXPECT_THROW(card_steer_rules(p), std::invalid_argument);
}

}  // namespace
}  // namespace vxsn
