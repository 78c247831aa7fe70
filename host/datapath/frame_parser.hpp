// Parses one received underlay frame: outer Ethernet [802.1Q] / IPv4 or IPv6 / UDP / VXLAN /
// inner Ethernet. Yields what replication needs, or the first reason to drop the frame.
//
// Order of checks (the FPGA parse kernel mirrors it; the first failing check wins):
//   1. Ethernet header (14 bytes) present ............................. kTooShort
//   2. one 802.1Q tag (0x8100) allowed; its 4 bytes present ........... kTooShort
//   3. EtherType IPv4 or IPv6 (a second tag is not one) ............... kUnknownEtherType
//   4. fixed IP header present (20 / 40 bytes) ........................ kTooShort
//   IPv4: 5. version 4 ................................................ kIpBadVersion
//         6. IHL 5 ...................................................... kIpv4Options
//         7. MF clear and fragment offset 0 ............................ kIpv4Fragment
//         8. header checksum ............................................ kIpv4BadChecksum
//         9. 28 <= total length <= bytes after the Ethernet header ..... kIpBadLength
//        10. TTL != 0 ................................................... kTtlExpired
//        11. protocol UDP ............................................... kNotUdp
//   IPv6: 5. version 6 ................................................ kIpBadVersion
//         6. next header UDP (extension headers are not walked) ......... kIpv6ExtHeader
//         7. 8 <= payload length <= bytes after the IPv6 header ......... kIpBadLength
//         8. hop limit != 0 ............................................. kTtlExpired
//  12. outer destination is a service address (any, if none listed) .. kNotServiceAddress
//  13. UDP destination port is the VXLAN port ......................... kWrongPort
//  14. 16 <= UDP length <= IP payload length .......................... kUdpBadLength
//  15. VXLAN I flag set (other flag/reserved bits ignored, RFC 7348) .. kVxlanBadFlags
//  16. inner frame (UDP length - 16) >= 14 bytes ...................... kInnerTooShort
// Once the IP length is validated against the frame, the UDP and VXLAN headers lie inside
// the datagram, so kTooShort can only come from steps 1, 2 and 4.
//
// Bytes after the IP datagram (Ethernet padding of 60-byte minimum frames, trailers) are
// ignored; the inner frame length comes from the UDP length.
//
// The UDP checksum is not verified: VXLAN over IPv4 sends zero (RFC 7348), and for IPv6
// the inner frame carries its own integrity (Ethernet FCS was checked by the sender's
// NIC, inner L3/L4 checksums travel end to end and are verified by the receiving hosts).
// Verifying it would mean touching every payload byte of every frame only to drop it.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include <vector>

#include "driver/net_types.hpp"
#include "hls/control_regs.hpp"
#include "hls/drop_reason.hpp"
#include "hls/vxlan_wire.hpp"

namespace vxsn {

struct ParseConfig {
  uint16_t vxlan_port = wire::kVxlanDefaultPort;
  // Outer destinations accepted; a fixed array so the per-packet check never touches the heap.
  std::array<IpAddr, hw::kMaxServiceAddrs> service_addrs{};  // as many as the card holds
  uint8_t service_addr_count = 0;                            // 0: accept any destination
};

// `addresses` as the accepted destinations (the first service_addrs.size() of them).
void set_service_addresses(ParseConfig& cfg, const std::vector<IpAddr>& addresses);

struct ParsedFrame {
  DropReason drop = DropReason::kNone;
  uint32_t vni = 0;
  IpAddr src_vtep;            // outer source IP
  IpAddr dst;                 // outer destination IP
  uint16_t udp_src_port = 0;  // host order
  bool has_vlan = false;
  uint16_t vlan_tci = 0;      // host order, as received (PCP, DEI, VID)
  uint16_t vxlan_offset = 0;  // offset of the VXLAN header in the frame
  uint16_t inner_offset = 0;  // offset of the inner Ethernet frame
  uint16_t inner_len = 0;     // from the UDP length: trailing padding excluded
};

// Fields up to the failing check are filled in even when `drop` is set.
ParsedFrame parse_frame(std::span<const uint8_t> frame, const ParseConfig& cfg);

}  // namespace vxsn
