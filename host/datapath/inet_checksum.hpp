// Internet (ones'-complement) checksum arithmetic, RFC 1071. Partial sums are kept as the
// numeric sum of big-endian 16-bit words in a wide integer and folded only at the end, so
// precomputed pieces (per member, per packet) add up in any order.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace vxsn::inet {

// Folds a wide partial sum into 16 bits (end-around carry).
inline constexpr uint16_t fold(uint64_t sum) {
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return static_cast<uint16_t>(sum);
}

// The checksum field value for a region whose words (checksum field zero) add up to `sum`.
inline constexpr uint16_t finish(uint64_t sum) {
  return static_cast<uint16_t>(~fold(sum));
}

// Sum of the big-endian 16-bit words of `n` bytes; an odd last byte is the high byte of a
// word padded with zero. Sums native 32-bit loads and byte-swaps once at the end: the
// ones'-complement sum is byte-order independent (RFC 1071 section 2), which keeps the loop
// free of per-word shuffles for 9000-byte jumbo payloads.
inline uint16_t sum_bytes(const uint8_t* p, size_t n) {
  uint64_t acc = 0;
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    uint32_t w;
    std::memcpy(&w, p + i, 4);
    acc += w;
  }
  if (i + 2 <= n) {
    uint16_t w;
    std::memcpy(&w, p + i, 2);
    acc += w;
    i += 2;
  }
  if (i < n) {
    const uint8_t tail[2] = {p[i], 0};
    uint16_t w;
    std::memcpy(&w, tail, 2);
    acc += w;
  }
  uint16_t native = fold(acc);
  if constexpr (std::endian::native == std::endian::little) {
    native = static_cast<uint16_t>((native >> 8) | (native << 8));
  }
  return native;
}

}  // namespace vxsn::inet
