// The hls/compat layer: ap_uint<N> against independent arithmetic (unsigned __int128 and a
// bit-array model), the byte-lane helpers the kernels use (hls/byte_lanes.hpp) against
// plain byte arrays, hls::stream FIFO behaviour and its loud failures.
#include <gtest/gtest.h>

#include <bitset>
#include <random>

#include "hls/byte_lanes.hpp"
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

// A field wider than 64 bits written anywhere (what `range(127, 32) = 0` does), against a
// bitset model: the bits outside the field are kept, the value is truncated or zero-extended.
TEST(ApUint, WideFieldWritesMatchABitModel) {
  std::mt19937_64 rng(11);
  for (int round = 0; round < 300; ++round) {
    ap_uint<512> w = 0;
    ap_uint<128> v = 0;
    std::bitset<512> model;
    std::bitset<128> value;
    for (int limb = 0; limb < 8; ++limb) {
      const uint64_t x = rng();
      w.range(64 * limb + 63, 64 * limb) = x;
      for (int b = 0; b < 64; ++b) model[64 * limb + b] = (x >> b) & 1;
    }
    for (int limb = 0; limb < 2; ++limb) {
      const uint64_t x = rng();
      v.range(64 * limb + 63, 64 * limb) = x;
      for (int b = 0; b < 64; ++b) value[64 * limb + b] = (x >> b) & 1;
    }
    const int lo = static_cast<int>(rng() % 400);
    const int len = 65 + static_cast<int>(rng() % (512 - lo - 64));
    w.range(lo + len - 1, lo) = v;
    for (int b = 0; b < len; ++b) model[lo + b] = b < 128 ? value[b] : false;
    for (int b = 0; b < 512; ++b)
      ASSERT_EQ(w[b], model[b]) << "field " << lo << "+" << len << " bit " << b;
  }
}

using vxsn::hw::Word512;

Word512 word_of(const uint8_t bytes[64]) {
  Word512 w = 0;
  for (unsigned i = 0; i < 64; ++i) w.range(8 * i + 7, 8 * i) = bytes[i];
  return w;
}
uint8_t byte_of(const Word512& w, unsigned i) {
  return static_cast<uint8_t>(w.range(8 * i + 7, 8 * i).to_uint64());
}

// window_bytes / window_addr: bytes of the two-beat window (zero past it), every offset.
TEST(ByteLanes, WindowsMatchAByteArray) {
  std::mt19937_64 rng(3);
  uint8_t bytes[128];
  for (uint8_t& b : bytes) b = static_cast<uint8_t>(rng());
  const Word512 lo = word_of(bytes), hi = word_of(bytes + 64);
  auto window = [&bytes](unsigned i) { return i < 128 ? bytes[i] : uint8_t{0}; };
  for (unsigned at = 0; at < 128; ++at) {
    const Word512 w = vxsn::hw::window_bytes(lo, hi, at);
    for (unsigned i = 0; i < 64; ++i) ASSERT_EQ(byte_of(w, i), window(at + i)) << at << "+" << i;
    for (unsigned n : {4u, 16u}) {
      const vxsn::hw::IpBits a = vxsn::hw::window_addr(lo, hi, at, n);
      for (unsigned i = 0; i < 16; ++i)
        ASSERT_EQ(a.range(8 * i + 7, 8 * i).to_uint64(), i < n ? window(at + i) : 0u)
            << at << "+" << i << " of " << n;
    }
  }
}

// masked_word_sum: the sum of the big-endian words of the bytes inside [start, end) of the
// frame, byte by byte as RFC 1071 defines it (an odd last byte is a high byte).
TEST(ByteLanes, MaskedWordSumMatchesBytewiseSum) {
  std::mt19937_64 rng(5);
  uint8_t bytes[64];
  for (uint8_t& b : bytes) b = static_cast<uint8_t>(rng());
  const Word512 d = word_of(bytes);
  for (uint32_t base : {0u, 64u, 128u}) {
    for (uint32_t start = 0; start < 256; start += 2) {
      for (uint32_t end = start; end < 260; end += 1 + static_cast<uint32_t>(rng() % 5)) {
        uint32_t expect = 0;
        for (unsigned i = 0; i < 64; ++i) {
          const uint32_t pos = base + i;
          if (pos >= start && pos < end) expect += i % 2 == 0 ? bytes[i] << 8 : bytes[i];
        }
        ASSERT_EQ(vxsn::hw::masked_word_sum(d, base, start, end), expect)
            << base << " [" << start << ", " << end << ")";
      }
    }
  }
}

TEST(ByteLanes, ReadAndWriteBytesTouchOnlyTheirLanes) {
  uint8_t bytes[64];
  for (unsigned i = 0; i < 64; ++i) bytes[i] = static_cast<uint8_t>(i + 1);
  const Word512 w = word_of(bytes);
  uint8_t out[20] = {};
  vxsn::hw::read_bytes<20>(w, 40, out, 7);
  for (unsigned i = 0; i < 20; ++i) EXPECT_EQ(out[i], i < 7 ? bytes[40 + i] : 0) << i;
  Word512 v = w;
  const uint8_t in[8] = {0xA0, 0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7};
  vxsn::hw::write_bytes<8>(v, 10, in, 5);
  for (unsigned i = 0; i < 64; ++i)
    EXPECT_EQ(byte_of(v, i), i >= 10 && i < 15 ? in[i - 10] : bytes[i]) << i;
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

// Growing while the ring has wrapped (reads in between) keeps FIFO order.
TEST(HlsStream, UnboundedDepthGrowsAcrossTheWrap) {
  hls::stream<int> s("w");
  int next_in = 0, next_out = 0;
  for (int round = 0; round < 12; ++round) {
    for (int i = 0; i < 3 + 5 * round; ++i) s.write(next_in++);
    for (int i = 0; i < 2 + 3 * round; ++i) ASSERT_EQ(s.read(), next_out++);
  }
  while (!s.empty()) ASSERT_EQ(s.read(), next_out++);
  EXPECT_EQ(next_out, next_in);
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
