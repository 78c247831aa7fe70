#include "driver/steering/software_classifier.hpp"

#include "hls/vxlan_wire.hpp"

namespace vxsn {
namespace {

constexpr uint8_t kIpv6NextHeaderFragment = 44;
constexpr uint16_t kIpv4FragmentOffsetMask = 0x1FFF;

uint16_t be16(const uint8_t* p) {
  return static_cast<uint16_t>(p[0] << 8 | p[1]);
}

void read_ports(std::span<const uint8_t> frame, size_t l4, SteerFields& f) {
  if ((f.ip_proto != kIpProtoUdp && f.ip_proto != kIpProtoTcp) || frame.size() < l4 + 4) return;
  f.has_ports = true;
  f.src_port = be16(&frame[l4]);
  f.dst_port = be16(&frame[l4 + 2]);
}

}  // namespace

SteerFields read_steer_fields(std::span<const uint8_t> frame) {
  SteerFields f;
  size_t off = wire::kEthHeaderLen;
  if (frame.size() < off) return f;
  uint16_t ether_type = be16(&frame[off - 2]);
  if (ether_type == wire::kEtherTypeVlan) {
    off += wire::kVlanTagLen;
    if (frame.size() < off) return f;
    f.tagged = true;
    ether_type = be16(&frame[off - 2]);
  }
  if (ether_type == kEtherTypeArp) {
    f.l3 = L3Match::kArp;
  } else if (ether_type == wire::kEtherTypeIpv4) {
    if (frame.size() < off + wire::kIpv4HeaderLen) return f;
    const uint8_t* ip = &frame[off];
    f.l3 = L3Match::kIpv4;
    f.dst = IpAddr::v4(ip + 16);
    f.ip_proto = ip[9];
    // A non-first fragment carries no L4 header.
    f.fragment = (be16(ip + 6) & kIpv4FragmentOffsetMask) != 0;
    const unsigned ihl = (ip[0] & 0x0F) * 4u;
    if (!f.fragment && ihl >= wire::kIpv4HeaderLen) read_ports(frame, off + ihl, f);
  } else if (ether_type == wire::kEtherTypeIpv6) {
    if (frame.size() < off + wire::kIpv6HeaderLen) return f;
    f.l3 = L3Match::kIpv6;
    f.dst = IpAddr::v6(&frame[off + 24]);
    f.ip_proto = frame[off + 6];
    f.fragment = f.ip_proto == kIpv6NextHeaderFragment;
    read_ports(frame, off + wire::kIpv6HeaderLen, f);
  }
  return f;
}

bool steer_match(const SteerMatch& m, const SteerFields& f) {
  if (m.l3 != L3Match::kAny && m.l3 != f.l3) return false;
  if (m.dst.family != IpAddr::Family::kNone && m.dst != f.dst) return false;
  if (m.ip_proto != 0 && m.ip_proto != f.ip_proto) return false;
  if (m.fragment && !f.fragment) return false;
  if (m.src_port == 0 && m.dst_port == 0) return true;
  return f.has_ports && (m.src_port == 0 || m.src_port == f.src_port) &&
         (m.dst_port == 0 || m.dst_port == f.dst_port);
}

size_t classify_frame(std::span<const uint8_t> frame, const SteeringPolicy& policy) {
  const SteerFields fields = read_steer_fields(frame);
  for (size_t i = 0; i < policy.rules.size(); ++i) {
    if (steer_match(policy.rules[i].match, fields)) return i;
  }
  return policy.rules.size() - 1;  // compile_steering_policy ends every list with a catch-all
}

}  // namespace vxsn
