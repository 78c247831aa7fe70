// Why a frame (or one copy of it) was not sent. The card's counters and the reference
// datapath's counters are indexed by these codes, so the C-simulation bench compares them
// one to one. Append only: the numbers are part of the card's counter layout.
#pragma once

#include <cstdint>

namespace vxsn {

// X(name, "label"): the label is what counters and logs show.
#define VXSN_DROP_REASONS(X)                                                    \
  X(kNone, "none")                                                              \
  X(kTooShort, "too_short")                 /* frame ends inside a header */    \
  X(kUnknownEtherType, "unknown_ethertype") /* not IPv4/IPv6 (after one tag) */ \
  X(kIpBadVersion, "ip_bad_version")        /* version nibble disagrees */      \
  X(kIpv4Options, "ipv4_options")           /* IHL != 5 */                      \
  X(kIpv4Fragment, "ipv4_fragment")         /* MF set or offset != 0 */         \
  X(kIpv4BadChecksum, "ipv4_bad_checksum")                                      \
  X(kIpBadLength, "ip_bad_length")     /* IP length disagrees with frame */     \
  X(kTtlExpired, "ttl_expired")        /* TTL / hop limit 0 */                  \
  X(kIpv6ExtHeader, "ipv6_ext_header") /* next header not UDP */                \
  X(kNotUdp, "not_udp")                                                         \
  X(kNotServiceAddress, "not_service_address") /* outer dst not ours */         \
  X(kWrongPort, "wrong_port")                  /* UDP dst not the VXLAN port */ \
  X(kUdpBadLength, "udp_bad_length")                                            \
  X(kVxlanBadFlags, "vxlan_bad_flags") /* I flag clear */                       \
  X(kInnerTooShort, "inner_too_short") /* inner frame < 14 bytes */             \
  X(kUnknownVni, "unknown_vni")                                                 \
  X(kNoOtherMember, "no_other_member")     /* sender is the only member */      \
  X(kFrameTooLarge, "frame_too_large")     /* copy exceeds egress port */       \
  X(kNoNextHop, "no_next_hop")             /* per copy: member unresolved */    \
  X(kNoBuffer, "no_buffer")                /* per copy: buffer pool empty */    \
  X(kTxFull, "tx_full")                    /* per copy: egress queue full */    \
  X(kChained, "chained_mbuf")              /* multi-segment input */            \
  X(kSourceNotMember, "source_not_member") /* source check: not a member */     \
  X(kStormPoliced, "storm_policed")        /* over a VNI or VTEP policer */

enum class DropReason : uint8_t {
#define VXSN_DROP_ENUM(name, label) name,
  VXSN_DROP_REASONS(VXSN_DROP_ENUM)
#undef VXSN_DROP_ENUM
      kCount
};

inline constexpr unsigned kDropReasonCount = static_cast<unsigned>(DropReason::kCount);

inline constexpr const char* drop_reason_label(DropReason r) {
  switch (r) {
#define VXSN_DROP_LABEL(name, label) \
  case DropReason::name:             \
    return label;
    VXSN_DROP_REASONS(VXSN_DROP_LABEL)
#undef VXSN_DROP_LABEL
    default:
      return "invalid";
  }
}

}  // namespace vxsn
