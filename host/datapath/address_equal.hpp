// Address equality for the per-packet paths (split horizon, service address): word compares
// instead of a library memcmp call. Only the family's bytes count, so an IPv4 address with
// stray bytes in the unused tail still compares by its 4 real bytes.
#pragma once

#include <cstdint>
#include <cstring>

#include "driver/net_types.hpp"

namespace vxsn {

inline bool address_equal(const IpAddr& a, const IpAddr& b) {
  if (a.family != b.family) return false;
  if (a.is_v4()) {
    uint32_t x, y;
    std::memcpy(&x, a.bytes.data(), 4);
    std::memcpy(&y, b.bytes.data(), 4);
    return x == y;
  }
  uint64_t a0, a1, b0, b1;
  std::memcpy(&a0, a.bytes.data(), 8);
  std::memcpy(&a1, a.bytes.data() + 8, 8);
  std::memcpy(&b0, b.bytes.data(), 8);
  std::memcpy(&b1, b.bytes.data() + 8, 8);
  return ((a0 ^ b0) | (a1 ^ b1)) == 0;
}

}  // namespace vxsn
