// Byte-lane access to 512-bit words (frame beats and card-memory words): byte i of a word
// is bits 8i+7..8i. Multi-byte wire fields are big-endian; card-memory table fields are
// little-endian (the host CPU writes them natively). Helpers for ones'-complement sums live
// here too because every checksum in the datapath is a sum of big-endian 16-bit words.
#pragma once

#include "hls/hls_types.hpp"

namespace vxsn::hw {

// An 8-bit part select for synthesis (wires, no logic). On the CPU the compat layer's
// direct byte load/store does the same: the emulated card touches bytes of 512-bit words
// hundreds of times per frame, and a shifted-and-masked limb each time was a fifth of its
// time.
inline uint8_t byte_at(const Word512& w, unsigned i) {
#if defined(VXSN_USE_VITIS_HEADERS)
  return static_cast<uint8_t>(w.range(8 * i + 7, 8 * i).to_uint64());
#else
  return w.lane_byte(i);
#endif
}
inline void set_byte(Word512& w, unsigned i, uint8_t v) {
#if defined(VXSN_USE_VITIS_HEADERS)
  w.range(8 * i + 7, 8 * i) = v;
#else
  w.set_lane_byte(i, v);
#endif
}

// Big-endian 16-bit field at byte i (i + 1 < 64).
inline uint16_t be16_at(const Word512& w, unsigned i) {
  return static_cast<uint16_t>((byte_at(w, i) << 8) | byte_at(w, i + 1));
}

// Little-endian fields of card-memory records (on the CPU: one load, as byte_at).
inline uint64_t le_field(const Word512& w, unsigned i, unsigned bytes) {
#if defined(VXSN_USE_VITIS_HEADERS)
  return w.range(8 * (i + bytes) - 1, 8 * i).to_uint64();
#else
  return w.lane_le(i, bytes);
#endif
}
inline uint16_t le16_at(const Word512& w, unsigned i) {
  return static_cast<uint16_t>(le_field(w, i, 2));
}
inline uint32_t le32_at(const Word512& w, unsigned i) {
  return static_cast<uint32_t>(le_field(w, i, 4));
}
inline uint64_t le64_at(const Word512& w, unsigned i) {
  return le_field(w, i, 8);
}
inline void set_le32(Word512& w, unsigned i, uint32_t v) {
  w.range(8 * i + 31, 8 * i) = v;
}

// 16 bytes starting at byte i (an address), in lane order.
inline IpBits bytes16_at(const Word512& w, unsigned i) {
  IpBits a = 0;
  a.range(63, 0) = le64_at(w, i);
  a.range(127, 64) = le64_at(w, i + 8);
  return a;
}
inline uint8_t ip_byte(const IpBits& a, unsigned i) {
#if defined(VXSN_USE_VITIS_HEADERS)
  return static_cast<uint8_t>(a.range(8 * i + 7, 8 * i).to_uint64());
#else
  return a.lane_byte(i);
#endif
}

// Folds a wide ones'-complement partial sum to 16 bits (end-around carry). A 32-bit
// accumulator folds in two steps; the loop bound is fixed for HLS.
inline uint16_t fold16(uint32_t sum) {
  sum = (sum & 0xFFFF) + (sum >> 16);
  sum = (sum & 0xFFFF) + (sum >> 16);
  return static_cast<uint16_t>(sum);
}

// Sum of the big-endian 16-bit words of the first `n` bytes (n <= 16) of an address.
inline uint32_t ip_word_sum(const IpBits& a, unsigned n) {
  uint32_t s = 0;
  for (unsigned i = 0; i < 16; i += 2) {
#pragma HLS UNROLL
    if (i < n) s += (uint32_t{ip_byte(a, i)} << 8) | ip_byte(a, i + 1);
  }
  return s;
}

}  // namespace vxsn::hw
