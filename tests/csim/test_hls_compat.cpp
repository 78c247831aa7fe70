// The hls/compat layer: ap_uint<N> against independent arithmetic (unsigned __int128 and a
// bit-array model), hls::stream FIFO behaviour and its loud failures.
#include <gtest/gtest.h>

#include <bitset>
#include <random>

#include "hls/hls_types.hpp"

namespace {

using u128 = unsigned __int128;

ap_uint<128> from128(u128 v) {
  ap_uint<128> a = static_cast<uint64_t>(v >> 64);
  a <<= 64;
  a |= ap_uint<128>(static_cast<uint64_t>(v));
  return a;
}
u128 to128(const ap_uint<128>& a) {
  return (u128{a.range(127, 64).to_uint64()} << 64) | a.range(63, 0).to_uint64();
}

TEST(ApUint, ArithmeticAndShiftsMatch128BitIntegers) {
  std::mt19937_64 rng(42);
  for (int i = 0; i < 2000; ++i) {
    const u128 x = (u128{rng()} << 64) | rng();
    const u128 y = (u128{rng()} << 64) | rng();
    const int s = static_cast<int>(rng() % 128);
    EXPECT_TRUE(to128(from128(x) + from128(y)) == x + y);
    EXPECT_TRUE(to128(from128(x) - from128(y)) == x - y);
    EXPECT_TRUE(to128(from128(x) << s) == x << s);
    EXPECT_TRUE(to128(from128(x) >> s) == x >> s);
    EXPECT_TRUE(to128(from128(x) | from128(y)) == (x | y));
    EXPECT_TRUE(to128(from128(x) & from128(y)) == (x & y));
    EXPECT_TRUE(to128(~from128(x)) == ~x);
    EXPECT_EQ(from128(x) < from128(y), x < y);
    // A field of up to 64 bits anywhere, across the limb boundary too.
    const int lo = static_cast<int>(rng() % 120);
    const int len = 1 + static_cast<int>(rng() % std::min(64, 128 - lo));
    const u128 mask = len == 64 ? ~uint64_t{0} : (u128{1} << len) - 1;
    EXPECT_TRUE(u128{from128(x).range(lo + len - 1, lo).to_uint64()} == ((x >> lo) & mask));
    ap_uint<128> a = from128(x);
    const uint64_t v = rng();
    a.range(lo + len - 1, lo) = v;
    EXPECT_TRUE(to128(a) == ((x & ~(mask << lo)) | ((u128{v} & mask) << lo)));
  }
}

// 512-bit shifts against a std::bitset model, every shift amount.
TEST(ApUint, WideShiftsMatchABitModel) {
  std::mt19937_64 rng(7);
  ap_uint<512> w = 0;
  std::bitset<512> model;
  for (int limb = 0; limb < 8; ++limb) {
    const uint64_t v = rng();
    w.range(64 * limb + 63, 64 * limb) = v;
    for (int b = 0; b < 64; ++b) model[64 * limb + b] = (v >> b) & 1;
  }
  for (int s = 0; s <= 512; ++s) {
    const ap_uint<512> l = w << s, r = w >> s;
    const std::bitset<512> ml = model << s, mr = model >> s;
    for (int b = 0; b < 512; ++b) {
      ASSERT_EQ(l[b], ml[b]) << "<< " << s << " bit " << b;
      ASSERT_EQ(r[b], mr[b]) << ">> " << s << " bit " << b;
    }
  }
}

TEST(ApUint, WidthConversionTruncatesAndExtends) {
  ap_uint<1024> wide = ~ap_uint<1024>(0);
  const ap_uint<512> narrow = wide;  // truncates
  EXPECT_EQ(narrow, ~ap_uint<512>(0));
  const ap_uint<1024> back = narrow;  // zero-extends
  EXPECT_EQ(back.range(1023, 512).to_uint64(), 0u);
  EXPECT_EQ(back.range(575, 512).to_uint64(), 0u);
  ap_uint<12> small = 0xFFFF;  // kept to 12 bits
  EXPECT_EQ(small.to_uint64(), 0xFFFu);
  ap_uint<64> bits = 0;
  bits[63] = true;
  EXPECT_EQ(bits.to_uint64(), uint64_t{1} << 63);
  // A wide part select read and written as a whole.
  ap_uint<512> w = 0;
  w.range(300, 100) = ap_uint<201>(~ap_uint<201>(0));
  EXPECT_EQ(w.range(99, 36).to_uint64(), 0u);  // below the field
  EXPECT_FALSE(w[99]);
  EXPECT_TRUE(w[100]);
  EXPECT_TRUE(w[300]);
  EXPECT_FALSE(w[301]);
}

TEST(HlsStream, FifoOrderAndNonBlockingCalls) {
  hls::stream<int, 3> s("s");
  EXPECT_TRUE(s.empty());
  s.write(1);
  s << 2;
  EXPECT_TRUE(s.write_nb(3));
  EXPECT_TRUE(s.full());
  EXPECT_FALSE(s.write_nb(4));
  EXPECT_EQ(s.size(), 3u);
  EXPECT_EQ(s.read(), 1);
  int v = 0;
  s >> v;
  EXPECT_EQ(v, 2);
  EXPECT_TRUE(s.read_nb(v));
  EXPECT_EQ(v, 3);
  EXPECT_FALSE(s.read_nb(v));
  for (int i = 0; i < 10; ++i) {  // wraps around the ring
    s.write(i);
    EXPECT_EQ(s.read(), i);
  }
}

TEST(HlsStream, UnboundedDepthGrows) {
  hls::stream<int> s("u");
  for (int i = 0; i < 100000; ++i) s.write(i);
  EXPECT_EQ(s.size(), 100000u);
  EXPECT_EQ(s.read(), 0);
}

using TwoDeep = hls::stream<int, 2>;

void read_empty() {
  TwoDeep s("empty_one");
  s.read();
}

void overfill() {
  TwoDeep s("tiny");
  s.write(1);
  s.write(2);
  s.write(3);
}

TEST(HlsStreamDeathTest, ReadingAnEmptyStreamAborts) {
  EXPECT_DEATH(read_empty(), "empty_one.*read while empty");
}

TEST(HlsStreamDeathTest, WritingPastDepthAborts) {
  EXPECT_DEATH(overfill(), "tiny.*write while full");
}

TEST(ApAxiu, BeatHasDataKeepLastDest) {
  vxsn::hw::AxisBeat b;
  b.data = 0;
  b.keep = ~ap_uint<64>(0);
  b.last = 1;
  b.dest = 5;
  EXPECT_EQ(b.keep.to_uint64(), ~uint64_t{0});
  EXPECT_EQ(b.last, 1);
  EXPECT_EQ(b.dest.to_uint64(), 5u);
}

}  // namespace
