#include "driver/steering/software_classifier.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace vxsn {
namespace {

// Builds Ethernet [VLAN] / IPv4-or-IPv6 / UDP headers byte by byte; payload zeros.
std::vector<uint8_t> frame(bool ipv6, bool vlan, uint8_t proto, uint16_t dport, uint16_t frag = 0) {
  std::vector<uint8_t> f(12, 0xAA);  // MACs
  if (vlan) f.insert(f.end(), {0x81, 0x00, 0x00, 0x05});
  if (ipv6) {
    f.insert(f.end(), {0x86, 0xDD, 0x60, 0, 0, 0, 0, 16, proto, 64});
    f.insert(f.end(), 32, 0x01);  // addresses
  } else {
    f.insert(f.end(), {0x08, 0x00, 0x45, 0, 0, 36, 0, 0, static_cast<uint8_t>(frag >> 8),
                       static_cast<uint8_t>(frag), 64, proto, 0, 0});
    f.insert(f.end(), 8, 0x01);  // addresses
  }
  f.insert(f.end(), {0x9C, 0x40, static_cast<uint8_t>(dport >> 8), static_cast<uint8_t>(dport), 0,
                     16, 0, 0});
  f.insert(f.end(), 8, 0);
  return f;
}

TEST(SoftwareClassifier, VxlanOverIpv4AndIpv6WithAndWithoutTagGoesToDatapath) {
  SteeringRule rule{4789};
  for (bool v6 : {false, true})
    for (bool vlan : {false, true})
      EXPECT_TRUE(steer_to_datapath(frame(v6, vlan, 17, 4789), rule)) << v6 << vlan;
}

TEST(SoftwareClassifier, OtherTrafficStaysWithTheHost) {
  SteeringRule rule{4789};
  EXPECT_FALSE(steer_to_datapath(frame(false, false, 17, 10001), rule));         // registration
  EXPECT_FALSE(steer_to_datapath(frame(false, false, 6, 4789), rule));           // TCP
  EXPECT_FALSE(steer_to_datapath(frame(true, false, 58, 4789), rule));           // ICMPv6 / ND
  EXPECT_FALSE(steer_to_datapath(frame(false, false, 17, 4789, 0x00B9), rule));  // later fragment
  std::vector<uint8_t> arp(42, 0);
  arp[12] = 0x08;
  arp[13] = 0x06;
  EXPECT_FALSE(steer_to_datapath(arp, rule));
  EXPECT_FALSE(steer_to_datapath(std::vector<uint8_t>(10, 0), rule));  // runt
}

TEST(SoftwareClassifier, HonoursTheConfiguredPort) {
  EXPECT_TRUE(steer_to_datapath(frame(false, false, 17, 8472), SteeringRule{8472}));
  EXPECT_FALSE(steer_to_datapath(frame(false, false, 17, 4789), SteeringRule{8472}));
}

}  // namespace
}  // namespace vxsn
