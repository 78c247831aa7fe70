// What the replication benchmarks share: the ingress frame and the flood table of one VNI.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "host/datapath/flood_table.hpp"
#include "host/datapath/frame_parser.hpp"

namespace vxsn::bench {

inline IpAddr v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  const uint8_t bytes[4] = {a, b, c, d};
  return IpAddr::v4(bytes);
}

inline void put16(std::vector<uint8_t>& f, size_t at, uint16_t v) {
  f[at] = static_cast<uint8_t>(v >> 8);
  f[at + 1] = static_cast<uint8_t>(v);
}

// An IPv4 VXLAN frame from 10.0.0.1 to 10.0.0.254, VNI 100, with `inner_len` inner bytes.
inline std::vector<uint8_t> ipv4_frame(size_t inner_len) {
  std::vector<uint8_t> f(50 + inner_len, 0);
  const uint8_t eth[14] = {2, 0, 0, 0, 0, 0xfe, 2, 0, 0, 0, 0, 1, 0x08, 0x00};
  std::copy(eth, eth + 14, f.begin());
  uint8_t* ip = f.data() + 14;
  ip[0] = 0x45;
  put16(f, 16, static_cast<uint16_t>(36 + inner_len));
  ip[8] = 64;
  ip[9] = 17;
  const uint8_t addrs[8] = {10, 0, 0, 1, 10, 0, 0, 254};
  std::copy(addrs, addrs + 8, ip + 12);
  uint32_t sum = 0;
  for (int i = 0; i < 20; i += 2) sum += (ip[i] << 8) | ip[i + 1];
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  put16(f, 24, static_cast<uint16_t>(~sum));
  put16(f, 34, 40015);
  put16(f, 36, 4789);
  put16(f, 38, static_cast<uint16_t>(16 + inner_len));
  f[42] = 0x08;
  f[48] = 100;
  for (size_t i = 0; i < inner_len; ++i) f[50 + i] = static_cast<uint8_t>(i);
  return f;
}

// Accepts frames to 10.0.0.254, the destination ipv4_frame uses.
inline ParseConfig service_config() {
  ParseConfig cfg;
  cfg.service_addrs[0] = v4(10, 0, 0, 254);
  cfg.service_addr_count = 1;
  return cfg;
}

// VNI 100: the sender 10.0.0.1 (split horizon) and `fan_out` IPv4 members on egress port 0.
inline std::shared_ptr<const FloodTable> fan_out_table(unsigned fan_out, MacAddr port_mac,
                                                       uint32_t max_frame_len,
                                                       VniCounters* counters) {
  const MacAddr next_hop{{2, 0, 0, 0, 0, 2}};
  std::vector<MemberSpec> members;
  members.push_back({v4(10, 0, 0, 1), true, next_hop, 0});
  for (unsigned i = 0; i < fan_out; ++i)
    members.push_back({v4(10, 1, uint8_t(i >> 8), uint8_t(i)), true, next_hop, 0});
  return FloodTableBuilder()
      .set_egress_ports({EgressPort{port_mac, max_frame_len}})
      .add_vni(100, std::move(members), counters)
      .build();
}

}  // namespace vxsn::bench
