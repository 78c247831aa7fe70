// Wire format of the frames the service node carries: outer Ethernet [802.1Q] / IPv4 or
// IPv6 / UDP / VXLAN / inner Ethernet. Offsets and sizes as named constants, shared by the
// HLS kernels and the host's reference datapath so both read the same bytes.
#pragma once

#include <cstdint>

namespace vxsn::wire {

inline constexpr unsigned kEthAddrLen = 6;
inline constexpr unsigned kEthHeaderLen = 14;   // dst MAC, src MAC, EtherType
inline constexpr unsigned kVlanTagLen = 4;      // TPID 0x8100 + TCI
inline constexpr unsigned kIpv4HeaderLen = 20;  // IHL 5: options are a drop
inline constexpr unsigned kIpv6HeaderLen = 40;  // extension headers are a drop
inline constexpr unsigned kUdpHeaderLen = 8;
inline constexpr unsigned kVxlanHeaderLen = 8;

inline constexpr uint16_t kEtherTypeIpv4 = 0x0800;
inline constexpr uint16_t kEtherTypeIpv6 = 0x86DD;
inline constexpr uint16_t kEtherTypeVlan = 0x8100;
inline constexpr uint8_t kIpProtoUdp = 17;

inline constexpr uint16_t kVxlanDefaultPort = 4789;
inline constexpr uint8_t kVxlanFlagVniValid = 0x08;  // the I flag, first byte of the header
inline constexpr uint32_t kVniMax = (1u << 24) - 1;

// Outer header lengths without the VLAN tag: a copy's headers before the VXLAN header.
inline constexpr unsigned kOuterIpv4Len = kEthHeaderLen + kIpv4HeaderLen + kUdpHeaderLen;
inline constexpr unsigned kOuterIpv6Len = kEthHeaderLen + kIpv6HeaderLen + kUdpHeaderLen;
static_assert(kOuterIpv4Len + kVxlanHeaderLen == 50, "VXLAN over IPv4 adds 50 bytes");
static_assert(kOuterIpv6Len + kVxlanHeaderLen == 70, "VXLAN over IPv6 adds 70 bytes");

// Underlay frames up to 9216 bytes (9000-byte inner frames plus headers) are carried whole.
inline constexpr unsigned kMaxFrameLen = 9216;
// Smallest inner frame worth replicating: an Ethernet header.
inline constexpr unsigned kMinInnerLen = kEthHeaderLen;

}  // namespace vxsn::wire
