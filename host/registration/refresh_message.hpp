// The REFRESH message of the vxfld registration protocol, independent of its wire version.
// Wire facts: shared/notes/vxfld-registration.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "driver/net_types.hpp"

namespace vxsn {

inline constexpr uint16_t kRegistrationPort = 10001;

// Versions 1 and 2 are big-endian binary, 3 is protobuf; 4 is vxsn's extension: the version 3
// body plus IPv6 VTEP addresses. Only a version 4 requester ever sees an IPv6 address.
inline constexpr uint8_t kRefreshVersionMin = 1;
inline constexpr uint8_t kRefreshVersionMaxVxfld = 3;
inline constexpr uint8_t kRefreshVersionIpv6 = 4;

enum class MessageType : uint8_t { kRefresh = 1, kProxy = 2, kSync = 3 };

enum class ResponseType : uint8_t { kNone = 0, kRequestedVnis = 1, kAllVnis = 2 };

inline constexpr uint32_t kMaxVni = 0xFFFFFF;
inline constexpr uint32_t kMaxHoldtime = 65535;  // also "never expires"
inline constexpr uint32_t kDefaultHoldtime = 90;
// The largest UDP payload over IPv4; nothing longer can arrive in one datagram.
inline constexpr size_t kMaxRefreshBytes = 65507;

struct VniMembers {
  uint32_t vni = 0;
  std::vector<IpAddr> vteps;
  bool operator==(const VniMembers&) const = default;
};

struct RefreshMessage {
  uint8_t version = 3;
  bool originator = false;
  uint32_t holdtime = kDefaultHoldtime;
  ResponseType response_type = ResponseType::kNone;
  uint64_t identifier = 0;  // absent before version 3: 0
  std::vector<VniMembers> vteps;
  bool operator==(const RefreshMessage&) const = default;
};

}  // namespace vxsn
