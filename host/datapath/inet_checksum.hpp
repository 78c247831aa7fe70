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
// word padded with zero. Sums native loads and byte-swaps once at the end: the
// ones'-complement sum is byte-order independent (RFC 1071 section 2), which keeps the loop
// free of per-word shuffles for 9000-byte jumbo payloads. The bulk goes 16 bytes a step in
// two 64-bit sums whose carries out are counted (2^64 = 1 in ones'-complement arithmetic
// of 16-bit words), two independent chains instead of one 32-bit add per 4 bytes: an IPv6
// copy's UDP checksum over a jumbo payload was a third of its cost.
inline uint16_t sum_bytes(const uint8_t* p, size_t n) {
  uint64_t s0 = 0, s1 = 0, carries = 0;
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    uint64_t a, b;
    std::memcpy(&a, p + i, 8);
    std::memcpy(&b, p + i + 8, 8);
    s0 += a;
    carries += s0 < a;
    s1 += b;
    carries += s1 < b;
  }
  uint64_t acc = fold(s0) + uint64_t{fold(s1)} + carries;
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
