// Bytes <-> RefreshMessage for every served version: v1 and v2 (big-endian binary), v3
// (protobuf) and v4 (v3 plus IPv6, vxsn's extension).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "host/registration/refresh_decode_error.hpp"
#include "host/registration/refresh_message.hpp"

namespace vxsn {

struct RefreshDecodeResult {
  RefreshDecodeError error = RefreshDecodeError::kNone;
  RefreshMessage message;
  bool ok() const { return error == RefreshDecodeError::kNone; }
};

// Never throws and never reads outside `datagram`; every refusal names its reason.
RefreshDecodeResult decode_refresh(std::span<const uint8_t> datagram);

// Encodes `message` in message.version (1..4). Addresses that version cannot carry (IPv6
// before version 4) are left out; a v1/v2 record longer than its u16 count is split.
// v3/v4 always write the four scalar fields, defaults included, as vxfld's replies do.
std::vector<uint8_t> encode_refresh(const RefreshMessage& message);

// Exact encoded sizes, so replies can be split to fit a datagram without re-encoding.
namespace refresh_size {
// Version, type and the scalar fields of `message` (its vteps ignored).
size_t header_bytes(const RefreshMessage& message);
// What one address adds to its VNI record; 0 if the version cannot carry it.
size_t address_bytes(uint8_t version, const IpAddr& address);
// One VNI record whose addresses add up to `addresses_bytes` (at most 65535 addresses for
// v1/v2).
size_t record_bytes(uint8_t version, uint32_t vni, size_t addresses_bytes);
}  // namespace refresh_size

}  // namespace vxsn
