// What the replication benchmarks share: the ingress frame, the service address that accepts
// it and the flood table, with an IPv4 or an IPv6 underlay and one VNI or many. The frames
// come from the tests' frame assembler (tests/datapath/test_frames.hpp).
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <numeric>
#include <random>
#include <vector>

#include "host/datapath/flood_table.hpp"
#include "host/datapath/frame_parser.hpp"
#include "tests/datapath/test_frames.hpp"

namespace vxsn::bench {

using Family = IpAddr::Family;

inline IpAddr v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  const uint8_t bytes[4] = {a, b, c, d};
  return IpAddr::v4(bytes);
}

// The sending VTEP (10.0.0.1 / fd00::1), the node's service address (10.0.0.254 / fd00::fe)
// and member `i` of a VNI (10.1.x.y / fd00:1::x:y) in the underlay family `f`.
inline IpAddr sender_addr(Family f) {
  return test::ip(f == Family::kV6 ? "fd00::1" : "10.0.0.1");
}
inline IpAddr service_addr(Family f) {
  return test::ip(f == Family::kV6 ? "fd00::fe" : "10.0.0.254");
}
inline IpAddr member_addr(Family f, unsigned i) {
  IpAddr a = test::ip(f == Family::kV6 ? "fd00:1::" : "10.1.0.0");
  const size_t last = f == Family::kV6 ? 15 : 3;
  a.bytes[last - 1] = static_cast<uint8_t>(i >> 8);
  a.bytes[last] = static_cast<uint8_t>(i);
  return a;
}

// Offset of the 3 VNI bytes in an untagged VXLAN frame over family `f`.
inline size_t vni_offset(Family f) {
  return (f == Family::kV6 ? wire::kOuterIpv6Len : wire::kOuterIpv4Len) + 4;
}

// A VXLAN frame from the sender to the service address over family `f`, `inner_len` inner bytes.
inline std::vector<uint8_t> vxlan_frame(Family f, size_t inner_len, uint32_t vni = 100) {
  test::FrameSpec s;
  s.src = sender_addr(f);
  s.dst = service_addr(f);
  s.vni = vni;
  s.inner = test::inner_of_len(inner_len);
  return test::build_frame(s);
}

// An IPv4 VXLAN frame from 10.0.0.1 to 10.0.0.254, VNI 100, with `inner_len` inner bytes.
inline std::vector<uint8_t> ipv4_frame(size_t inner_len) {
  return vxlan_frame(Family::kV4, inner_len);
}

// Accepts frames to the service address of family `f` (10.0.0.254, the one ipv4_frame uses).
inline ParseConfig service_config(Family f = Family::kV4) {
  ParseConfig cfg;
  cfg.service_addrs[0] = service_addr(f);
  cfg.service_addr_count = 1;
  return cfg;
}

// The members of one VNI: the sender (split horizon) and `fan_out` members of family `f`, all
// resolved on egress port 0.
inline std::vector<MemberSpec> fan_out_members(unsigned fan_out, Family f) {
  const MacAddr next_hop{{2, 0, 0, 0, 0, 2}};
  std::vector<MemberSpec> members;
  members.push_back({sender_addr(f), true, next_hop, 0});
  for (unsigned i = 0; i < fan_out; ++i) members.push_back({member_addr(f, i), true, next_hop, 0});
  return members;
}

// VNIs 100 .. 100 + vni_count - 1, each with fan_out_members(fan_out, f) and the counters
// `counters_of(k)` gives its k-th VNI (null: none).
inline std::shared_ptr<const FloodTable> fan_out_table(
    unsigned fan_out, MacAddr port_mac, uint32_t max_frame_len,
    const std::function<VniCounters*(uint32_t)>& counters_of, Family f, uint32_t vni_count) {
  const std::vector<MemberSpec> members = fan_out_members(fan_out, f);
  FloodTableBuilder builder;
  builder.set_egress_ports({EgressPort{port_mac, max_frame_len}});
  for (uint32_t k = 0; k < vni_count; ++k) builder.add_vni(100 + k, members, counters_of(k));
  return builder.build();
}

// The same with counters[k] for the k-th VNI when `counters` is not null (as the daemon counts
// every VNI).
inline std::shared_ptr<const FloodTable> fan_out_table(unsigned fan_out, MacAddr port_mac,
                                                       uint32_t max_frame_len,
                                                       VniCounters* counters,
                                                       Family f = Family::kV4,
                                                       uint32_t vni_count = 1) {
  return fan_out_table(
      fan_out, port_mac, max_frame_len,
      [counters](uint32_t k) { return counters == nullptr ? nullptr : counters + k; }, f,
      vni_count);
}

// VNIs 100 .. 100 + vnis - 1 in a fixed pseudo-random order (the order a timed loop cycles
// frames through them, so lookups and counters miss the caches as with many tenants).
inline std::vector<uint32_t> vni_order(uint32_t vnis) {
  std::vector<uint32_t> order(vnis);
  std::iota(order.begin(), order.end(), 100u);
  std::shuffle(order.begin(), order.end(), std::mt19937(12));
  return order;
}

}  // namespace vxsn::bench
