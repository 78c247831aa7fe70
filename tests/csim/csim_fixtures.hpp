// Addresses, ports and table pieces shared by the C-simulation tests.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hls/table_layout.hpp"
#include "host/daemon/card_table_spec.hpp"
#include "host/datapath/flood_table.hpp"
#include "host/datapath/frame_parser.hpp"
#include "sim/tools/vxlan_frame_builder.hpp"

namespace vxsn::csim {

inline IpAddr service_v4() {
  return *IpAddr::parse("10.0.0.100");
}
inline IpAddr service_v6() {
  return *IpAddr::parse("fd00::100");
}

inline IpAddr vtep_v4(unsigned i) {
  return *IpAddr::parse("10.1." + std::to_string(i / 256) + "." + std::to_string(i % 256));
}
inline IpAddr vtep_v6(unsigned i) {
  char text[32];
  std::snprintf(text, sizeof text, "fd01::%x", i);
  return *IpAddr::parse(text);
}

inline MacAddr mac(uint8_t a, uint8_t b) {
  return MacAddr{{0x02, 0x00, 0x5e, 0x10, a, b}};
}

inline ParseConfig service_parse_config() {
  ParseConfig cfg;
  cfg.service_addrs[0] = service_v4();
  cfg.service_addrs[1] = service_v6();
  cfg.service_addr_count = 2;
  return cfg;
}

inline ReplicationParams replication_params(SourceIpMode mode, bool own_v6) {
  ReplicationParams p;
  p.source_mode = mode;
  p.own_v4 = service_v4();
  if (own_v6) p.own_v6 = service_v6();
  p.ttl = 63;
  return p;
}

// Port 0 carries jumbo frames, port 1 at most 1600 bytes.
inline std::vector<EgressPort> egress_ports() {
  return {EgressPort{mac(0xA0, 0), 9216}, EgressPort{mac(0xA0, 1), 1600}};
}

inline MemberSpec member(const IpAddr& a, uint16_t port = 0, bool resolved = true) {
  MemberSpec m;
  m.addr = a;
  m.resolved = resolved;
  m.egress_port = port;
  const unsigned low = a.is_v6() ? 14 : 2;  // the address's last two bytes
  m.next_hop_mac = mac(a.bytes[low], a.bytes[low + 1]);
  return m;
}

// A frame from `src` to the service address of its family.
inline sim::VxlanFrameSpec frame_spec(const IpAddr& src, uint32_t vni) {
  sim::VxlanFrameSpec s;
  s.src = src;
  s.dst = src.is_v6() ? service_v6() : service_v4();
  s.vni = vni;
  s.udp_src_port = static_cast<uint16_t>(49152 + (vni * 7 + src.bytes[3]) % 16000);
  return s;
}

// VNI 100 with members 10.1.0.1, 10.1.0.2 and fd01::3 (all port 0), no counters.
inline std::unique_ptr<FloodTable> small_table(uint64_t version) {
  FloodTableBuilder b;
  b.set_params(replication_params(SourceIpMode::kKeepOriginal, true))
      .set_egress_ports(egress_ports())
      .set_version(version);
  b.add_vni(100, {member(vtep_v4(1)), member(vtep_v4(2)), member(vtep_v6(3))}, nullptr);
  return b.build();
}

// small_table(version) as the card's bank image, no counter slots.
inline std::vector<uint8_t> small_table_bank(uint64_t version) {
  return card_bank_image(*small_table(version),
                         [](const VniEntry&) { return card::kNoCounterSlot; });
}

}  // namespace vxsn::csim
