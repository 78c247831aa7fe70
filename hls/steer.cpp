#include "hls/steer.hpp"

#include "hls/header_window.hpp"
#include "hls/vxlan_wire.hpp"

namespace vxsn::hw {
namespace {

constexpr uint16_t kEtherTypeArp = 0x0806;
constexpr uint8_t kIpProtoTcp = 6;
constexpr uint8_t kIpv6NextHeaderFragment = 44;
constexpr uint16_t kIpv4FragmentOffsetMask = 0x1FFF;

// The header fields the rules look at (driver/steering/software_classifier.hpp SteerFields).
struct SteerFields {
  uint8_t l3 = kSteerL3Any;
  bool to_service = false;
  uint8_t ip_proto = 0;
  bool fragment = false;
  bool has_ports = false;
  uint16_t src_port = 0, dst_port = 0;
};

void read_ports(const HeaderWindow& w, uint32_t seen, unsigned l4, SteerFields& f) {
  if ((f.ip_proto != wire::kIpProtoUdp && f.ip_proto != kIpProtoTcp) || seen < l4 + 4) return;
  f.has_ports = true;
  f.src_port = w.be16(l4);
  f.dst_port = w.be16(l4 + 2);
}

SteerFields read_fields(const HeaderWindow& w, uint32_t seen, const ControlRegs& ctrl) {
  SteerFields f;
  unsigned off = wire::kEthHeaderLen;
  if (seen < off) return f;
  uint16_t ether_type = w.be16(off - 2);
  if (ether_type == wire::kEtherTypeVlan) {
    off += wire::kVlanTagLen;
    if (seen < off) return f;
    ether_type = w.be16(off - 2);
  }
  if (ether_type == kEtherTypeArp) {
    f.l3 = kSteerL3Arp;
  } else if (ether_type == wire::kEtherTypeIpv4) {
    if (seen < off + wire::kIpv4HeaderLen) return f;
    f.l3 = kSteerL3Ipv4;
    f.to_service = is_service_address(ctrl, 4, w.addr(off + 16, 4));
    f.ip_proto = w.at(off + 9);
    f.fragment = (w.be16(off + 6) & kIpv4FragmentOffsetMask) != 0;
    const unsigned ihl = (w.at(off) & 0x0F) * 4u;
    if (!f.fragment && ihl >= wire::kIpv4HeaderLen) read_ports(w, seen, off + ihl, f);
  } else if (ether_type == wire::kEtherTypeIpv6) {
    if (seen < off + wire::kIpv6HeaderLen) return f;
    f.l3 = kSteerL3Ipv6;
    f.to_service = is_service_address(ctrl, 6, w.addr(off + 24, 16));
    f.ip_proto = w.at(off + 6);
    f.fragment = f.ip_proto == kIpv6NextHeaderFragment;
    read_ports(w, seen, off + wire::kIpv6HeaderLen, f);
  }
  return f;
}

bool rule_matches(const SteerRuleRegs& r, const SteerFields& f) {
  if (r.l3 != kSteerL3Any && r.l3 != f.l3) return false;
  if ((r.flags & kSteerToService) && !f.to_service) return false;
  if (r.ip_proto != 0 && r.ip_proto != f.ip_proto) return false;
  if ((r.flags & kSteerFragment) && !f.fragment) return false;
  if (r.src_port == 0 && r.dst_port == 0) return true;
  return f.has_ports && (r.src_port == 0 || r.src_port == f.src_port) &&
         (r.dst_port == 0 || r.dst_port == f.dst_port);
}

}  // namespace

bool is_service_address(const ControlRegs& ctrl, uint8_t family, const IpBits& dst) {
  if (ctrl.service_addr_count == 0) return true;
  bool hit = false;
  for (unsigned i = 0; i < kMaxServiceAddrs; ++i) {
#pragma HLS UNROLL
    if (i < ctrl.service_addr_count && ctrl.service_family[i] == family &&
        ctrl.service_addr[i] == dst)
      hit = true;
  }
  return hit;
}

uint8_t steer_classify(const Word512& beat0, const Word512& beat1, uint32_t seen,
                       const ControlRegs& ctrl) {
  if (ctrl.steer_rule_count == 0) return kSteerDatapath;
  const SteerFields f = read_fields(HeaderWindow{beat0, beat1}, seen, ctrl);
  // The policy ends with a catch-all to the host; a list without one leaves a frame no
  // rule matches with the host too (the kernel never guesses "datapath").
  uint8_t action = kSteerHost;
  // All comparators at once; walking from the last rule down, the lowest match is kept.
  for (int i = kMaxSteerRules - 1; i >= 0; --i) {
#pragma HLS UNROLL
    if (static_cast<unsigned>(i) < ctrl.steer_rule_count && rule_matches(ctrl.steer_rules[i], f))
      action = ctrl.steer_rules[i].action;
  }
  return action;
}

}  // namespace vxsn::hw
