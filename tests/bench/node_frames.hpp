// The frames of the node-only benchmark: whole underlay frames (outer Ethernet, IPv4, UDP
// to the VXLAN port, VXLAN, inner frame) as a DPDK generator puts them on the wire, so the
// node parses them exactly as it parses a VTEP's.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace vxsn::test {

using Mac = std::array<uint8_t, 6>;
using Ipv4 = std::array<uint8_t, 4>;

struct VxlanFrameSpec {
  Mac dst_mac{};
  Mac src_mac{};
  Ipv4 src_ip{};
  Ipv4 dst_ip{};
  uint32_t vni = 0;
  uint16_t src_port = 0;  // the flow's entropy: RSS and the generator's queue choice use it
  size_t inner_len = 64;  // a broadcast inner frame of this many bytes
};

// An outer IPv4 frame (TTL 64, valid header checksum, UDP checksum 0 as RFC 7348 allows)
// carrying vxlan_datagram(vni, inner_len) to UDP port 4789.
std::vector<uint8_t> vxlan_frame(const VxlanFrameSpec& spec);

// "02:00:00:00:00:01" and "10.0.0.1"; throw std::invalid_argument naming the text.
Mac parse_mac(const std::string& text);
Ipv4 parse_ipv4(const std::string& text);

}  // namespace vxsn::test
