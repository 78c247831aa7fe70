// Builds VXLAN underlay frames byte by byte from a plain description: outer Ethernet
// [802.1Q] / IPv4 or IPv6 / UDP / VXLAN / inner Ethernet frame. Written independently of
// the reference parser and of the kernels so the corpora test both.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "driver/net_types.hpp"

namespace vxsn::sim {

struct VxlanFrameSpec {
  MacAddr dst_mac{{0x02, 0x00, 0x00, 0x00, 0x00, 0x01}};
  MacAddr src_mac{{0x02, 0x00, 0x00, 0x00, 0x00, 0x02}};
  std::optional<uint16_t> vlan_tci;  // one 802.1Q tag
  IpAddr src;                        // the family of src decides the outer IP version
  IpAddr dst;
  uint8_t ttl = 64;
  uint16_t udp_src_port = 49152;
  uint16_t udp_dst_port = 4789;
  uint8_t vxlan_flags = 0x08;  // I flag
  uint32_t vni = 0;
  size_t trailer = 0;  // bytes after the IP datagram (Ethernet padding)
};

// An inner Ethernet frame of `len` bytes (>= 14 for a real header; shorter is allowed for
// malformed cases) whose bytes depend on `seed`, so copies of different frames differ.
std::vector<uint8_t> make_inner_frame(size_t len, uint32_t seed);

// The whole underlay frame. IPv4: header checksum right, UDP checksum 0. IPv6: UDP
// checksum right (RFC 8200 requires one).
std::vector<uint8_t> build_vxlan_frame(const VxlanFrameSpec& spec, std::span<const uint8_t> inner);

// Outer header bytes before the inner frame for `spec` (Ethernet [tag] IP UDP VXLAN).
size_t outer_overhead(const VxlanFrameSpec& spec);

// A frame of exactly `frame_len` bytes (inner frame sized to fit); needs frame_len >=
// outer_overhead + 14.
std::vector<uint8_t> build_vxlan_frame_of_size(const VxlanFrameSpec& spec, size_t frame_len,
                                               uint32_t seed);

// Byte offset of the IP header in a frame built from `spec`.
size_t ip_offset(const VxlanFrameSpec& spec);

// Recomputes the IPv4 header checksum of the header at `ip` (after a deliberate mutation).
void fix_ipv4_checksum(uint8_t* ip);

// Internet checksum helpers, written for the generator alone (RFC 1071).
uint32_t ones_sum(std::span<const uint8_t> bytes, uint32_t initial = 0);
uint16_t ones_finish(uint32_t sum);

}  // namespace vxsn::sim
