// Self-written stand-in for Vitis HLS's ap_uint<N>, used when the Vitis headers are absent
// (hls/hls_types.hpp picks one or the other). Only the subset the vxsn kernels use:
//   construction from integers and other widths (zero-extend / truncate),
//   range(hi, lo) and operator()(hi, lo) as read/write proxies, operator[] for one bit,
//   shifts that keep the width, bitwise operators, + and -, comparisons,
//   to_uint64() / to_uint() / to_bool().
// Words are arrays of 64-bit limbs, least significant first, so on a little-endian CPU the
// memory image of ap_uint<512> is the AXI byte order (byte i = bits 8i+7..8i). Every
// operation works limb by limb, never bit by bit: the emulated card's speed depends on it.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <type_traits>

template <int W>
class ap_uint;

namespace vxsn_compat {

// Bits [lo, lo+n) of a limb array as a value (n <= 64).
inline uint64_t extract_bits(const uint64_t* limbs, int limb_count, int lo, int n) {
  const int li = lo / 64;
  const int sh = lo % 64;
  uint64_t v = limbs[li] >> sh;
  if (sh != 0 && li + 1 < limb_count) v |= limbs[li + 1] << (64 - sh);
  return n >= 64 ? v : v & ((uint64_t{1} << n) - 1);
}

// Writes the low n bits of `value` (n <= 64) at bits [lo, lo+n).
inline void deposit_bits(uint64_t* limbs, int limb_count, int lo, int n, uint64_t value) {
  const int li = lo / 64;
  const int sh = lo % 64;
  const uint64_t mask = n >= 64 ? ~uint64_t{0} : (uint64_t{1} << n) - 1;
  value &= mask;
  limbs[li] = (limbs[li] & ~(mask << sh)) | (value << sh);
  if (sh != 0 && sh + n > 64 && li + 1 < limb_count) {
    const int spill = 64 - sh;
    const uint64_t hi_mask = mask >> spill;
    limbs[li + 1] = (limbs[li + 1] & ~hi_mask) | (value >> spill);
  }
}

[[noreturn]] inline void fail(const char* what) {
  std::fprintf(stderr, "ap_uint compat: %s\n", what);
  std::abort();
}

}  // namespace vxsn_compat

template <int W>
class ap_uint {
  static_assert(W >= 1, "ap_uint needs at least one bit");

 public:
  static constexpr int kWidth = W;
  static constexpr int kLimbs = (W + 63) / 64;

  // The read side of a part select, bits hi..lo (hi >= lo); what Vitis yields for a const
  // part select. Reading a field (to_uint64) touches one or two limbs; only a conversion
  // builds a whole word. The emulated card's speed depends on it: kernels read bytes of
  // 512-bit words all the time.
  class ConstRange {
   public:
    ConstRange(const ap_uint* owner, int hi, int lo) : owner_(owner), hi_(hi), lo_(lo) {
      if (hi < lo || lo < 0 || hi >= W) vxsn_compat::fail("range out of bounds");
    }
    int length() const { return hi_ - lo_ + 1; }
    uint64_t to_uint64() const { return owner_->bits_at(lo_, length() < 64 ? length() : 64); }
    unsigned to_uint() const { return static_cast<unsigned>(to_uint64()); }
    template <int W2>
    operator ap_uint<W2>() const {
      return ap_uint<W2>(value());
    }
    ap_uint value() const { return owner_->template get_range<W>(hi_, lo_); }
    template <class T, class = std::enable_if_t<std::is_integral_v<T>>>
    bool operator==(T v) const {
      return length() <= 64 ? to_uint64() == static_cast<uint64_t>(v)
                            : value() == ap_uint(static_cast<uint64_t>(v));
    }

   protected:
    const ap_uint* owner_;
    int hi_, lo_;
  };

  // A read/write view of bits hi..lo of one ap_uint.
  class RangeRef : public ConstRange {
   public:
    RangeRef(ap_uint* owner, int hi, int lo) : ConstRange(owner, hi, lo), target_(owner) {}
    RangeRef& operator=(uint64_t v) {
      target_->set_range_u64(this->hi_, this->lo_, v);
      return *this;
    }
    template <int W2>
    RangeRef& operator=(const ap_uint<W2>& v) {
      target_->set_range(this->hi_, this->lo_, v);
      return *this;
    }
    RangeRef& operator=(const RangeRef& other) { return *this = other.value(); }

   private:
    ap_uint* target_;
  };

  class BitRef {
   public:
    BitRef(ap_uint* owner, int bit) : owner_(owner), bit_(bit) {
      if (bit < 0 || bit >= W) vxsn_compat::fail("bit index out of bounds");
    }
    operator bool() const { return (owner_->limb_[bit_ / 64] >> (bit_ % 64)) & 1; }
    BitRef& operator=(bool v) {
      const uint64_t m = uint64_t{1} << (bit_ % 64);
      owner_->limb_[bit_ / 64] = v ? owner_->limb_[bit_ / 64] | m : owner_->limb_[bit_ / 64] & ~m;
      return *this;
    }
    BitRef& operator=(const BitRef& other) { return *this = static_cast<bool>(other); }

   private:
    ap_uint* owner_;
    int bit_;
  };

  constexpr ap_uint() : limb_{} {}
  template <class T, class = std::enable_if_t<std::is_integral_v<T>>>
  constexpr ap_uint(T v) : limb_{} {
    limb_[0] = static_cast<uint64_t>(v);
    if constexpr (std::is_signed_v<T>) {
      if (v < 0)
        for (int i = 1; i < kLimbs; ++i) limb_[i] = ~uint64_t{0};
    }
    clamp();
  }
  template <int W2>
  ap_uint(const ap_uint<W2>& o) : limb_{} {
    constexpr int n = kLimbs < ap_uint<W2>::kLimbs ? kLimbs : ap_uint<W2>::kLimbs;
    for (int i = 0; i < n; ++i) limb_[i] = o.limb(i);
    clamp();
  }

  // ---- part selects ------------------------------------------------------------------
  RangeRef range(int hi, int lo) { return RangeRef(this, hi, lo); }
  RangeRef operator()(int hi, int lo) { return range(hi, lo); }
  ConstRange range(int hi, int lo) const { return ConstRange(this, hi, lo); }
  ConstRange operator()(int hi, int lo) const { return range(hi, lo); }
  BitRef operator[](int bit) { return BitRef(this, bit); }
  bool operator[](int bit) const {
    if (bit < 0 || bit >= W) vxsn_compat::fail("bit index out of bounds");
    return (limb_[bit / 64] >> (bit % 64)) & 1;
  }

  // ---- conversions --------------------------------------------------------------------
  uint64_t to_uint64() const { return limb_[0]; }
  unsigned to_uint() const { return static_cast<unsigned>(limb_[0]); }
  bool to_bool() const { return !is_zero(); }
  bool is_zero() const {
    for (int i = 0; i < kLimbs; ++i)
      if (limb_[i]) return false;
    return true;
  }

  // ---- shifts (width kept, bits shifted out are lost) --------------------------------
  // Every result limb is two source limbs (zero past the word) and two shifts, without
  // the edge tests of a bit-by-bit view: short fixed-trip loops the compiler unrolls.
  // `(x >> 1) >> (63 - bs)` is `x >> (64 - bs)` for bs in 1..63 and 0 for bs == 0 (a shift
  // by 64 would be undefined).
  ap_uint operator<<(int n) const {
    if (n < 0) return *this >> -n;
    ap_uint r;
    if (n >= W) return r;
    const int ls = n / 64, bs = n % 64;
    for (int i = ls; i < kLimbs; ++i) {
      const uint64_t below = i - ls - 1 >= 0 ? limb_[i - ls - 1] : 0;
      r.limb_[i] = (limb_[i - ls] << bs) | ((below >> 1) >> (63 - bs));
    }
    r.clamp();
    return r;
  }
  ap_uint operator>>(int n) const {
    if (n < 0) return *this << -n;
    ap_uint r;
    if (n >= W) return r;
    const int ls = n / 64, bs = n % 64;
    for (int i = 0; i + ls < kLimbs; ++i) {
      const uint64_t above = i + ls + 1 < kLimbs ? limb_[i + ls + 1] : 0;
      r.limb_[i] = (limb_[i + ls] >> bs) | ((above << 1) << (63 - bs));
    }
    return r;
  }
  ap_uint& operator<<=(int n) { return *this = *this << n; }
  ap_uint& operator>>=(int n) { return *this = *this >> n; }

  // ---- bitwise -------------------------------------------------------------------------
  ap_uint operator~() const {
    ap_uint r;
    for (int i = 0; i < kLimbs; ++i) r.limb_[i] = ~limb_[i];
    r.clamp();
    return r;
  }
  ap_uint& operator|=(const ap_uint& o) {
    for (int i = 0; i < kLimbs; ++i) limb_[i] |= o.limb_[i];
    return *this;
  }
  ap_uint& operator&=(const ap_uint& o) {
    for (int i = 0; i < kLimbs; ++i) limb_[i] &= o.limb_[i];
    return *this;
  }
  ap_uint& operator^=(const ap_uint& o) {
    for (int i = 0; i < kLimbs; ++i) limb_[i] ^= o.limb_[i];
    return *this;
  }
  friend ap_uint operator|(ap_uint a, const ap_uint& b) { return a |= b; }
  friend ap_uint operator&(ap_uint a, const ap_uint& b) { return a &= b; }
  friend ap_uint operator^(ap_uint a, const ap_uint& b) { return a ^= b; }

  // ---- arithmetic (modulo 2^W) ---------------------------------------------------------
  ap_uint& operator+=(const ap_uint& o) {
    uint64_t carry = 0;
    for (int i = 0; i < kLimbs; ++i) {
      const uint64_t s = limb_[i] + o.limb_[i];
      const uint64_t c1 = s < limb_[i];
      limb_[i] = s + carry;
      carry = c1 | (limb_[i] < s);
    }
    clamp();
    return *this;
  }
  ap_uint& operator-=(const ap_uint& o) {
    uint64_t borrow = 0;
    for (int i = 0; i < kLimbs; ++i) {
      const uint64_t d = limb_[i] - o.limb_[i];
      const uint64_t b1 = limb_[i] < o.limb_[i];
      const uint64_t d2 = d - borrow;
      borrow = b1 | (d < borrow);
      limb_[i] = d2;
    }
    clamp();
    return *this;
  }
  friend ap_uint operator+(ap_uint a, const ap_uint& b) { return a += b; }
  friend ap_uint operator-(ap_uint a, const ap_uint& b) { return a -= b; }

  // ---- comparison ----------------------------------------------------------------------
  friend bool operator==(const ap_uint& a, const ap_uint& b) {
    for (int i = 0; i < kLimbs; ++i)
      if (a.limb_[i] != b.limb_[i]) return false;
    return true;
  }
  friend bool operator!=(const ap_uint& a, const ap_uint& b) { return !(a == b); }
  friend bool operator<(const ap_uint& a, const ap_uint& b) {
    for (int i = kLimbs - 1; i >= 0; --i)
      if (a.limb_[i] != b.limb_[i]) return a.limb_[i] < b.limb_[i];
    return false;
  }
  friend bool operator>(const ap_uint& a, const ap_uint& b) { return b < a; }
  friend bool operator<=(const ap_uint& a, const ap_uint& b) { return !(b < a); }
  friend bool operator>=(const ap_uint& a, const ap_uint& b) { return !(a < b); }

  // Limb access for the compat layer itself (not part of the Vitis API: kernels never use it).
  uint64_t limb(int i) const { return limb_[i]; }
  // Byte i (bits 8i+7..8i) as one load and one store: the limbs are little-endian, so on a
  // little-endian CPU their memory image is the AXI byte order. What byte_lanes.hpp uses
  // in place of an 8-bit part select when the compat layer stands in for Vitis's ap_uint.
  uint8_t lane_byte(unsigned i) const {
    static_assert(W % 8 == 0, "byte lanes need a width in whole bytes");
    if (i >= W / 8) vxsn_compat::fail("byte lane out of bounds");
    return reinterpret_cast<const uint8_t*>(limb_)[i];
  }
  // Bytes i..i+n-1 (n <= 8) as a little-endian value: one unaligned load.
  uint64_t lane_le(unsigned i, unsigned n) const {
    static_assert(W % 8 == 0, "byte lanes need a width in whole bytes");
    if (n > 8 || i + n > W / 8) vxsn_compat::fail("byte lanes out of bounds");
    uint64_t v = 0;
    std::memcpy(&v, reinterpret_cast<const uint8_t*>(limb_) + i, n);
    return v;
  }
  void set_lane_byte(unsigned i, uint8_t v) {
    static_assert(W % 8 == 0, "byte lanes need a width in whole bytes");
    if (i >= W / 8) vxsn_compat::fail("byte lane out of bounds");
    reinterpret_cast<uint8_t*>(limb_)[i] = v;
  }

  // Bytes at..at+n-1 copied out to / in from plain bytes: one memcpy where byte_lanes.hpp
  // would otherwise move a byte per part select.
  void read_lanes(unsigned at, uint8_t* out, unsigned n) const {
    static_assert(W % 8 == 0, "byte lanes need a width in whole bytes");
    if (at > W / 8 || n > W / 8 - at) vxsn_compat::fail("byte lanes out of bounds");
    std::memcpy(out, reinterpret_cast<const uint8_t*>(limb_) + at, n);
  }
  void write_lanes(unsigned at, const uint8_t* in, unsigned n) {
    static_assert(W % 8 == 0, "byte lanes need a width in whole bytes");
    if (at > W / 8 || n > W / 8 - at) vxsn_compat::fail("byte lanes out of bounds");
    std::memcpy(reinterpret_cast<uint8_t*>(limb_) + at, in, n);
  }
  void set_limb(int i, uint64_t v) {  // compat layer only, as limb()
    limb_[i] = v;
    if (i == kLimbs - 1) clamp();
  }

  // Bits [lo, lo+n) with n <= 64.
  uint64_t bits_at(int lo, int n) const { return vxsn_compat::extract_bits(limb_, kLimbs, lo, n); }

  template <int WR>
  ap_uint<WR> get_range(int hi, int lo) const {
    ap_uint<WR> r;
    const int n = hi - lo + 1;
    if (n <= 64) return ap_uint<WR>(bits_at(lo, n));
    r = ap_uint<WR>(*this >> lo);
    if (n < WR) r &= ~(~ap_uint<WR>(0) << n);
    return r;
  }

  void set_range_u64(int hi, int lo, uint64_t v) {
    const int n = hi - lo + 1;
    if (n <= 64) {
      vxsn_compat::deposit_bits(limb_, kLimbs, lo, n, v);
    } else {
      set_range(hi, lo, ap_uint<64>(v));
    }
  }
  template <int W2>
  void set_range(int hi, int lo, const ap_uint<W2>& v) {
    const int n = hi - lo + 1;
    if (n <= 64) {
      vxsn_compat::deposit_bits(limb_, kLimbs, lo, n, v.limb(0));
      return;
    }
    // Wide field: 64 bits at a time, each one deposit (no full-width temporaries).
    for (int done = 0; done < n; done += 64) {
      const int chunk = n - done < 64 ? n - done : 64;
      const uint64_t bits = done < W2 ? v.bits_at(done, chunk) : 0;  // zero past v's width
      vxsn_compat::deposit_bits(limb_, kLimbs, lo + done, chunk, bits);
    }
  }

 private:
  void clamp() {
    if constexpr (W % 64 != 0) limb_[kLimbs - 1] &= (uint64_t{1} << (W % 64)) - 1;
  }

  uint64_t limb_[kLimbs];
};

// Integers on either side of ==/!= compare by value.
template <int W, class T, class = std::enable_if_t<std::is_integral_v<T>>>
bool operator==(const ap_uint<W>& a, T b) {
  return a == ap_uint<W>(b) && (W >= 64 || static_cast<uint64_t>(b) >> (W % 64) == 0);
}
template <int W, class T, class = std::enable_if_t<std::is_integral_v<T>>>
bool operator!=(const ap_uint<W>& a, T b) {
  return !(a == b);
}

static_assert(sizeof(ap_uint<512>) == 64, "512-bit words must be exactly 64 bytes in memory");
static_assert(sizeof(ap_uint<64>) == 8);

namespace vxsn_compat {

// Bytes at..at+W/8-1 of the 2W-bit pair lo:hi (byte 0 of lo first; bytes past hi read as
// zero), at < W/4: what Vitis code writes as ap_uint<2W> pair = hi; pair <<= W; pair |= lo;
// ap_uint<W>(pair >> 8 * at). Byte copies, without 2W-bit temporaries and shifts.
template <int W>
ap_uint<W> window_lanes(const ap_uint<W>& lo, const ap_uint<W>& hi, unsigned at) {
  static_assert(W % 8 == 0, "whole bytes");
  if (at >= 2 * (W / 8)) fail("window offset out of bounds");
  uint8_t bytes[3 * (W / 8)];  // lo, hi, zeros: fixed-size copies the compiler inlines
  lo.read_lanes(0, bytes, W / 8);
  hi.read_lanes(0, bytes + W / 8, W / 8);
  std::memset(bytes + 2 * (W / 8), 0, W / 8);
  ap_uint<W> r;
  r.write_lanes(0, bytes + at, W / 8);
  return r;
}

// Sum of the big-endian 16-bit words of a whole-limb word whose bytes outside [from, to)
// count as zero (from <= to <= W/8): each limb's four words at once (bytes swapped into
// 16-bit lanes, lanes added pairwise into 32-bit lanes), no per-byte tests.
template <int W>
uint32_t be16_sum_between(const ap_uint<W>& w, unsigned from, unsigned to) {
  static_assert(W % 64 == 0, "whole limbs");
  constexpr int L = ap_uint<W>::kLimbs;
  constexpr uint64_t kEvenBytes = 0x00FF00FF00FF00FFull;
  constexpr uint64_t kLow16 = 0x0000FFFF0000FFFFull;
  if (from > to || to > W / 8) fail("byte range out of bounds");
  uint64_t acc = 0;  // two 32-bit lanes; at most 2 * 4 * L words of 16 bits: no overflow
  for (int i = 0; i < L; ++i) {
    const unsigned first = 8 * i;  // byte index of the limb's low byte
    uint64_t x = w.limb(i);
    // Keep bytes first..first+7 that lie in [from, to).
    const unsigned lo = from > first ? (from - first < 8 ? from - first : 8) : 0;
    const unsigned hi = to > first ? (to - first < 8 ? to - first : 8) : 0;
    const uint64_t keep_hi = hi >= 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * hi)) - 1;
    const uint64_t keep_lo = lo >= 8 ? 0 : ~uint64_t{0} << (8 * lo);
    x &= keep_hi & keep_lo;
    const uint64_t words = ((x & kEvenBytes) << 8) | ((x >> 8) & kEvenBytes);
    acc += (words & kLow16) + ((words >> 16) & kLow16);
  }
  return static_cast<uint32_t>((acc & 0xFFFFFFFFu) + (acc >> 32));
}

}  // namespace vxsn_compat
