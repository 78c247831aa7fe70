// Why a registration datagram was refused by the parser. One counter per reason.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace vxsn {

// X(name, label): label is the stable name in counters output.
#define VXSN_REFRESH_DECODE_ERRORS(X)                                                    \
  X(kNone, "ok")                                                                         \
  X(kTruncated, "truncated")              /* shorter than its fixed header */            \
  X(kOversized, "oversized")              /* longer than any request may be */           \
  X(kBadVersion, "bad_version")           /* 0 or above the highest served */            \
  X(kTypeNotServed, "type_not_served")    /* PROXY or SYNC: valid vxfld, not served */   \
  X(kUnknownType, "unknown_type")         /* not a vxfld message type */                 \
  X(kBadProtobuf, "bad_protobuf")         /* v3/v4 body does not parse */                \
  X(kTrailingGarbage, "trailing_garbage") /* bytes after the last whole record */        \
  X(kCountOverrun, "count_overrun")       /* a record's count runs past the end */       \
  X(kVniOutOfRange, "vni_out_of_range")   /* VNI above 24 bits */                        \
  X(kHoldtimeOutOfRange, "holdtime_out_of_range")                                        \
  X(kBadResponseType, "bad_response_type")    /* not 0, 1 or 2 */                        \
  X(kBadOriginator, "bad_originator")         /* v1/v2 originator not 0 or 1 */          \
  X(kBadAddress, "bad_address")               /* not 4 octets <= 255, or not 16 bytes */ \
  X(kIpv6NotInVersion, "ipv6_not_in_version") /* IPv6 field in a v1-v3 message */

enum class RefreshDecodeError : uint8_t {
#define VXSN_X(name, label) name,
  VXSN_REFRESH_DECODE_ERRORS(VXSN_X)
#undef VXSN_X
};

inline constexpr size_t kRefreshDecodeErrorCount = 0
#define VXSN_X(name, label) +1
    VXSN_REFRESH_DECODE_ERRORS(VXSN_X)
#undef VXSN_X
    ;

inline constexpr std::array<std::string_view, kRefreshDecodeErrorCount> kRefreshDecodeErrorLabels{
#define VXSN_X(name, label) label,
    VXSN_REFRESH_DECODE_ERRORS(VXSN_X)
#undef VXSN_X
};

inline std::string_view refresh_decode_error_label(RefreshDecodeError e) {
  return kRefreshDecodeErrorLabels[static_cast<size_t>(e)];
}

}  // namespace vxsn
