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

// Bytes 0..n-1 of a word set (n >= 64: all), as data and as AXI4-Stream keep bits.
inline Word512 byte_mask(unsigned n) {
  if (n >= kBeatBytes) return ~Word512(0);
  if (n == 0) return Word512(0);
  return ~Word512(0) >> (kBeatBits - 8 * n);
}
inline ap_uint<kBeatBytes> keep_mask(unsigned n) {
  if (n >= kBeatBytes) return ~ap_uint<kBeatBytes>(0);
  return (ap_uint<kBeatBytes>(1) << n) - ap_uint<kBeatBytes>(1);
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

// Bytes at..at+63 of the two-beat window lo:hi (byte 0 of lo first; past hi: zero),
// at < 128. For synthesis a 1024-bit pair and a byte shifter; on the CPU the compat layer
// picks the limbs out directly (two 1024-bit temporaries and shifts per call were a tenth
// of the emulated card's time).
inline Word512 window_bytes(const Word512& lo, const Word512& hi, unsigned at) {
#if defined(VXSN_USE_VITIS_HEADERS)
  ap_uint<2 * kBeatBits> pair = hi;
  pair <<= kBeatBits;
  pair |= ap_uint<2 * kBeatBits>(lo);
  return Word512(pair >> (8 * at));
#else
  return vxsn_compat::window_lanes(lo, hi, at);
#endif
}

// Bytes at..at+n-1 of the two-beat window lo:hi as an address (n <= 16; bytes past n and
// past the window are zero). For synthesis a byte mux per address byte; on the CPU a
// window copy.
inline IpBits window_addr(const Word512& lo, const Word512& hi, unsigned at, unsigned n) {
#if defined(VXSN_USE_VITIS_HEADERS)
  IpBits a = 0;
  for (unsigned k = 0; k < 16; ++k) {
#pragma HLS UNROLL
    const unsigned i = at + k;
    if (k < n)
      a.range(8 * k + 7, 8 * k) = i < kBeatBytes       ? byte_at(lo, i)
                                  : i < 2 * kBeatBytes ? byte_at(hi, i - kBeatBytes)
                                                       : 0;
  }
  return a;
#else
  uint8_t bytes[16] = {};
  if (at < 2 * kBeatBytes)
    vxsn_compat::window_lanes(lo, hi, at).read_lanes(0, bytes, n < 16 ? n : 16);
  IpBits a;
  a.write_lanes(0, bytes, 16);
  return a;
#endif
}

// out[i] = byte at+i of `w` for i < n (n <= N, at + n within the word). N is the unrolled
// width for synthesis (one byte lane each); on the CPU one memcpy.
template <unsigned N, int W>
inline void read_bytes(const ap_uint<W>& w, unsigned at, uint8_t out[N], unsigned n) {
#if defined(VXSN_USE_VITIS_HEADERS)
  for (unsigned i = 0; i < N; ++i) {
#pragma HLS UNROLL
    if (i < n) out[i] = static_cast<uint8_t>(w.range(8 * (at + i) + 7, 8 * (at + i)).to_uint64());
  }
#else
  w.read_lanes(at, out, n < N ? n : N);
#endif
}

// Byte at+i of `w` = in[i] for i < n (n <= N), the other bytes kept.
template <unsigned N, int W>
inline void write_bytes(ap_uint<W>& w, unsigned at, const uint8_t in[N], unsigned n) {
#if defined(VXSN_USE_VITIS_HEADERS)
  for (unsigned i = 0; i < N; ++i) {
#pragma HLS UNROLL
    if (i < n) w.range(8 * (at + i) + 7, 8 * (at + i)) = in[i];
  }
#else
  w.write_lanes(at, in, n < N ? n : N);
#endif
}

// Ones'-complement sum (unfolded) of the big-endian words of the beat's bytes that lie in
// [start, end) of the frame; `base` is the frame offset of byte 0 and is even, as `start`
// is, so frame-even bytes are the high bytes of words; an odd `end` leaves a high byte
// padded with zero, as RFC 1071 sums an odd tail. For synthesis an adder tree of 32
// masked words; on the CPU four words per 64-bit limb.
inline uint32_t masked_word_sum(const Word512& d, uint32_t base, uint32_t start, uint32_t end) {
#if defined(VXSN_USE_VITIS_HEADERS)
  uint32_t sum = 0;
  for (unsigned w = 0; w < kBeatBytes / 2; ++w) {
#pragma HLS UNROLL
    const uint32_t pos = base + 2 * w;
    const uint32_t hi = (pos >= start && pos < end) ? byte_at(d, 2 * w) : 0;
    const uint32_t lo = (pos + 1 >= start && pos + 1 < end) ? byte_at(d, 2 * w + 1) : 0;
    sum += (hi << 8) | lo;
  }
  return sum;
#else
  auto clamp = [base](uint32_t p) {
    return p <= base ? 0u : (p - base < kBeatBytes ? p - base : kBeatBytes);
  };
  const unsigned from = clamp(start), to = clamp(end);
  return from < to ? vxsn_compat::be16_sum_between(d, from, to) : 0;
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
