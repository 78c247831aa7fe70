#include "host/datapath/replicator.hpp"

#include <cstring>

#include "host/datapath/inet_checksum.hpp"

namespace vxsn::detail {
namespace {

void store_be16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}

}  // namespace

FrameCopyContext make_copy_context(std::span<const uint8_t> frame, const ParsedFrame& p,
                                   const VniEntry& entry, const ReplicationParams& params) {
  FrameCopyContext c;
  c.payload = frame.data() + p.vxlan_offset;
  c.payload_len = static_cast<uint16_t>(wire::kVxlanHeaderLen + p.inner_len);
  c.udp_len = static_cast<uint16_t>(wire::kUdpHeaderLen + c.payload_len);
  c.ipv4_total_len = static_cast<uint16_t>(wire::kIpv4HeaderLen + c.udp_len);
  c.udp_src_port = p.udp_src_port;
  c.has_vlan = p.has_vlan;
  c.vlan_tci = p.vlan_tci;
  c.keep_original = params.source_mode == SourceIpMode::kKeepOriginal;
  c.ingress_family = p.src_vtep.family;
  c.ingress_src = p.src_vtep.bytes.data();
  c.ingress_src_sum = inet::sum_bytes(c.ingress_src, p.src_vtep.size());
  if (entry.has_ipv6_member) {
    // Pseudo-header UDP length + UDP header length + source port + VXLAN header and inner
    // frame: the same for every IPv6 copy, so the payload bytes are summed once per frame.
    c.ipv6_frame_sum = inet::fold(uint64_t{c.udp_len} * 2 + c.udp_src_port +
                                  inet::sum_bytes(c.payload, c.payload_len));
  }
  return c;
}

void write_headers(uint8_t* out, const FrameCopyContext& c, const Member& m) {
  constexpr unsigned kMacs = 2 * wire::kEthAddrLen;
  std::memcpy(out, m.outer.data(), kMacs);
  uint8_t* o = out + kMacs;
  if (c.has_vlan) {
    store_be16(o, wire::kEtherTypeVlan);
    store_be16(o + 2, c.vlan_tci);
    o += wire::kVlanTagLen;
  }
  // Constant sizes per family: the compiler emits plain moves instead of a string copy.
  if (m.addr.is_v4()) {
    std::memcpy(o, m.outer.data() + kMacs, wire::kOuterIpv4Len - kMacs);
  } else {
    std::memcpy(o, m.outer.data() + kMacs, wire::kOuterIpv6Len - kMacs);
  }
  uint8_t* ip = o + 2;
  uint8_t* udp = ip + m.ip_header_len;
  store_be16(udp, c.udp_src_port);
  store_be16(udp + 4, c.udp_len);

  const bool ingress_src = uses_ingress_source(c, m);
  if (m.addr.is_v4()) {
    store_be16(ip + 2, c.ipv4_total_len);
    uint64_t sum = m.fixed_sum + c.ipv4_total_len;
    if (ingress_src) {
      std::memcpy(ip + 12, c.ingress_src, 4);
      sum += c.ingress_src_sum;
    } else {
      sum += m.own_source_sum;
    }
    store_be16(ip + 10, inet::finish(sum));
  } else {
    store_be16(ip + 4, c.udp_len);
    uint64_t sum = m.fixed_sum + c.ipv6_frame_sum;
    if (ingress_src) {
      std::memcpy(ip + 8, c.ingress_src, 16);
      sum += c.ingress_src_sum;
    } else {
      sum += m.own_source_sum;
    }
    uint16_t check = inet::finish(sum);
    store_be16(udp + 6, check == 0 ? 0xFFFF : check);  // 0 means "no checksum" (RFC 768)
  }
}

void write_copy(uint8_t* out, const FrameCopyContext& c, const Member& m) {
  write_headers(out, c, m);
  const uint32_t header_len = copy_length(c, m) - c.payload_len;
  std::memcpy(out + header_len, c.payload, c.payload_len);
}

bool is_member(const VniEntry& entry, const IpAddr& addr) {
  for (const Member& m : entry.members)
    if (address_equal(m.addr, addr)) return true;
  return false;
}

DropReason admit(const VniEntry& entry, const ParsedFrame& p, uint32_t frame_len,
                 const StormParams& storm, FloodGuard* guard) {
  if (entry.policy.source_check != SourceCheck::kOpen && !is_member(entry, p.src_vtep)) {
    if (entry.counters != nullptr) entry.counters->source_not_member.add(1);
    return DropReason::kSourceNotMember;
  }
  if (guard == nullptr) return DropReason::kNone;
  // The sender's bucket first: one VTEP's storm spends its own budget before its VNI's.
  LockedBucket& vtep =
      guard->vteps->buckets[vtep_policer_slot(p.src_vtep.bytes.data(), p.src_vtep.size())];
  const bool admitted =
      locked_policer_admit(vtep, storm.per_vtep, storm.burst_ns, guard->now_ns, frame_len) &&
      (entry.counters == nullptr ||
       locked_policer_admit(entry.counters->storm_bucket, entry.policy.storm, storm.burst_ns,
                            guard->now_ns, frame_len));
  if (admitted) return DropReason::kNone;
  if (entry.counters != nullptr) entry.counters->storm_policed.add(1);
  return DropReason::kStormPoliced;
}

}  // namespace vxsn::detail
