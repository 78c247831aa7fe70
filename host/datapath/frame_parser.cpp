#include "host/datapath/frame_parser.hpp"

#include <cstring>

#include "host/datapath/address_equal.hpp"
#include "host/datapath/inet_checksum.hpp"

namespace vxsn {
namespace {

uint16_t load_be16(const uint8_t* p) {
  return static_cast<uint16_t>((p[0] << 8) | p[1]);
}

// Writes the address in place (`a` starts zeroed): no temporary IpAddr to copy per packet.
void set_address(IpAddr& a, IpAddr::Family family, const uint8_t* network_order, unsigned len) {
  a.family = family;
  std::memcpy(a.bytes.data(), network_order, len);
}

bool is_service_address(const IpAddr& dst, const ParseConfig& cfg) {
  if (cfg.service_addr_count == 0) return true;
  for (unsigned i = 0; i < cfg.service_addr_count && i < cfg.service_addrs.size(); ++i) {
    if (address_equal(cfg.service_addrs[i], dst)) return true;
  }
  return false;
}

// Checks the IPv4 header at `ip` (20 bytes present); fills addresses and the IP payload
// bounds. `available` counts the bytes from `ip` to the frame end.
DropReason parse_ipv4(const uint8_t* ip, size_t available, ParsedFrame& out, size_t& payload_len) {
  if ((ip[0] >> 4) != 4) return DropReason::kIpBadVersion;
  if ((ip[0] & 0x0F) != 5) return DropReason::kIpv4Options;
  const uint16_t flags_frag = load_be16(ip + 6);
  if (flags_frag & 0x3FFF) return DropReason::kIpv4Fragment;  // MF bit or any offset
  if (inet::fold(inet::sum_bytes(ip, wire::kIpv4HeaderLen)) != 0xFFFF)
    return DropReason::kIpv4BadChecksum;
  const uint16_t total_len = load_be16(ip + 2);
  if (total_len > available || total_len < wire::kIpv4HeaderLen + wire::kUdpHeaderLen)
    return DropReason::kIpBadLength;
  set_address(out.src_vtep, IpAddr::Family::kV4, ip + 12, 4);
  set_address(out.dst, IpAddr::Family::kV4, ip + 16, 4);
  if (ip[8] == 0) return DropReason::kTtlExpired;
  if (ip[9] != wire::kIpProtoUdp) return DropReason::kNotUdp;
  payload_len = total_len - wire::kIpv4HeaderLen;
  return DropReason::kNone;
}

DropReason parse_ipv6(const uint8_t* ip, size_t available, ParsedFrame& out, size_t& payload_len) {
  if ((ip[0] >> 4) != 6) return DropReason::kIpBadVersion;
  if (ip[6] != wire::kIpProtoUdp) return DropReason::kIpv6ExtHeader;
  const uint16_t plen = load_be16(ip + 4);
  if (plen > available - wire::kIpv6HeaderLen || plen < wire::kUdpHeaderLen)
    return DropReason::kIpBadLength;
  set_address(out.src_vtep, IpAddr::Family::kV6, ip + 8, 16);
  set_address(out.dst, IpAddr::Family::kV6, ip + 24, 16);
  if (ip[7] == 0) return DropReason::kTtlExpired;
  payload_len = plen;
  return DropReason::kNone;
}

// Fills `out` as far as parsing gets; returns the drop reason (kNone when accepted).
DropReason parse_into(std::span<const uint8_t> frame, const ParseConfig& cfg, ParsedFrame& out) {
  const uint8_t* f = frame.data();
  const size_t size = frame.size();

  if (size < wire::kEthHeaderLen) return DropReason::kTooShort;
  size_t off = 2 * wire::kEthAddrLen;
  uint16_t ether_type = load_be16(f + off);
  if (ether_type == wire::kEtherTypeVlan) {
    if (size < wire::kEthHeaderLen + wire::kVlanTagLen) return DropReason::kTooShort;
    out.has_vlan = true;
    out.vlan_tci = load_be16(f + off + 2);
    off += wire::kVlanTagLen;
    ether_type = load_be16(f + off);
  }
  off += 2;  // now at the IP header

  size_t ip_header_len = 0;
  size_t ip_payload_len = 0;
  DropReason r;
  if (ether_type == wire::kEtherTypeIpv4) {
    ip_header_len = wire::kIpv4HeaderLen;
    if (size < off + ip_header_len) return DropReason::kTooShort;
    r = parse_ipv4(f + off, size - off, out, ip_payload_len);
  } else if (ether_type == wire::kEtherTypeIpv6) {
    ip_header_len = wire::kIpv6HeaderLen;
    if (size < off + ip_header_len) return DropReason::kTooShort;
    r = parse_ipv6(f + off, size - off, out, ip_payload_len);
  } else {
    return DropReason::kUnknownEtherType;
  }
  if (r != DropReason::kNone) return r;
  if (!is_service_address(out.dst, cfg)) return DropReason::kNotServiceAddress;

  // The validated IP length keeps the UDP header inside the frame from here on.
  const uint8_t* udp = f + off + ip_header_len;
  out.udp_src_port = load_be16(udp);
  if (load_be16(udp + 2) != cfg.vxlan_port) return DropReason::kWrongPort;
  const uint16_t udp_len = load_be16(udp + 4);
  if (udp_len < wire::kUdpHeaderLen + wire::kVxlanHeaderLen || udp_len > ip_payload_len)
    return DropReason::kUdpBadLength;

  const uint8_t* vxlan = udp + wire::kUdpHeaderLen;
  out.vxlan_offset = static_cast<uint16_t>(vxlan - f);
  if (!(vxlan[0] & wire::kVxlanFlagVniValid)) return DropReason::kVxlanBadFlags;
  out.vni = (uint32_t{vxlan[4]} << 16) | (uint32_t{vxlan[5]} << 8) | vxlan[6];

  out.inner_offset = static_cast<uint16_t>(out.vxlan_offset + wire::kVxlanHeaderLen);
  out.inner_len = static_cast<uint16_t>(udp_len - wire::kUdpHeaderLen - wire::kVxlanHeaderLen);
  if (out.inner_len < wire::kMinInnerLen) return DropReason::kInnerTooShort;
  return DropReason::kNone;
}

}  // namespace

ParsedFrame parse_frame(std::span<const uint8_t> frame, const ParseConfig& cfg) {
  ParsedFrame out;  // one object for every exit: returned in place, never copied
  out.drop = parse_into(frame, cfg, out);
  return out;
}

void set_service_addresses(ParseConfig& cfg, const std::vector<IpAddr>& addresses) {
  cfg.service_addr_count = 0;
  for (const IpAddr& a : addresses) {
    if (cfg.service_addr_count == cfg.service_addrs.size()) break;
    cfg.service_addrs[cfg.service_addr_count++] = a;
  }
}

}  // namespace vxsn
