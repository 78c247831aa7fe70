// A packet corpus for the steering enforcers: every policy class plus near misses (wrong
// port, wrong address, fragments, VLAN, IPv6, truncated headers), built byte by byte from
// the wire formats, each with the action and rule name the policy gives it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "driver/steering/steering_policy.hpp"

namespace vxsn::test {

struct FrameOptions {
  bool vlan = false;
  uint8_t proto = kIpProtoUdp;
  uint16_t src_port = 40000;
  uint16_t ipv4_frag = 0;  // flags + offset field (host order)
  uint8_t ipv4_ihl = 5;
  bool ipv6_fragment_header = false;
  bool truncate_l4 = false;  // end the frame right after the IP header
};

// Ethernet [802.1Q] / IPv4 or IPv6 (by the family of `dst`) / UDP-or-TCP-or-ICMP to `dst`.
std::vector<uint8_t> udp_frame(const IpAddr& dst, uint16_t dst_port, const FrameOptions& o = {});
std::vector<uint8_t> arp_frame(bool vlan);

struct CorpusFrame {
  std::string label;
  std::vector<uint8_t> bytes;
  SteerAction expected;
  std::string expected_rule;
};

// Needs the inputs' first IPv4 and first IPv6 service address, VXLAN port 4789 and the
// registration port 10001.
std::vector<CorpusFrame> steer_corpus(const SteeringInputs& inputs);

}  // namespace vxsn::test
