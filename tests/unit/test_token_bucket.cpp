// The storm policer's integer token bucket (hls/token_bucket.hpp), shared by the card's
// kernels and the reference datapath: depth, refill, both dimensions, edge cases.
#include <gtest/gtest.h>

#include "hls/token_bucket.hpp"

namespace vxsn {
namespace {

constexpr uint64_t kMs = 1000000;
constexpr uint64_t kBurst = 100 * kMs;

unsigned admitted(TokenBucketState& s, const PolicerRate& r, uint64_t now_ns, unsigned frames,
                  uint32_t bytes = 100) {
  unsigned n = 0;
  for (unsigned i = 0; i < frames; ++i) n += policer_admit(s, r, kBurst, now_ns, bytes);
  return n;
}

TEST(TokenBucket, NoRateMeansNoLimit) {
  TokenBucketState s;
  EXPECT_EQ(admitted(s, PolicerRate{}, 0, 100000), 100000u);
}

TEST(TokenBucket, StartsFullAndRefillsAtTheRate) {
  TokenBucketState s;
  const PolicerRate r{1000, 0};  // 100 frames deep
  EXPECT_EQ(admitted(s, r, 5 * kMs, 500), 100u);
  EXPECT_EQ(admitted(s, r, 6 * kMs, 500), 1u);    // 1 ms = 1 frame
  EXPECT_EQ(admitted(s, r, 16 * kMs, 500), 10u);  // 10 ms = 10 frames
}

TEST(TokenBucket, PolicedFramesCostNothing) {
  TokenBucketState s;
  const PolicerRate r{1000, 0};
  admitted(s, r, 0, 100);
  EXPECT_EQ(admitted(s, r, 0, 1000), 0u);
  EXPECT_EQ(admitted(s, r, 1 * kMs, 1), 1u);  // the refused thousand took no tokens
}

TEST(TokenBucket, BothDimensionsMustConform) {
  TokenBucketState s;
  const PolicerRate r{1000, 200000};             // 100 frames or 20000 bytes per 100 ms
  EXPECT_EQ(admitted(s, r, 0, 100, 1000), 20u);  // bytes run out first
  TokenBucketState t;
  EXPECT_EQ(admitted(t, r, 0, 1000, 10), 100u);  // frames run out first
}

TEST(TokenBucket, TheSmallestAcceptedRateHoldsOneLargestFrame) {
  const uint64_t bytes = min_policer_rate(kBurst, wire::kMaxFrameLen);
  EXPECT_EQ(bytes, 92160u);
  EXPECT_EQ(min_policer_rate(kBurst, 1), 10u);
  TokenBucketState s;
  const PolicerRate r{0, bytes};
  EXPECT_EQ(admitted(s, r, 0, 10, wire::kMaxFrameLen), 1u);
  EXPECT_EQ(admitted(s, r, 50 * kMs, 10, wire::kMaxFrameLen), 0u);
  EXPECT_EQ(admitted(s, r, 10 * 1000 * kMs, 10, wire::kMaxFrameLen), 1u);
}

TEST(TokenBucket, AClockThatGoesBackRefillsNothing) {
  TokenBucketState s;
  const PolicerRate r{1000, 0};
  admitted(s, r, 50 * kMs, 100);
  EXPECT_EQ(admitted(s, r, 10 * kMs, 10), 0u);
  EXPECT_EQ(admitted(s, r, 51 * kMs, 10), 1u);
}

TEST(TokenBucket, LargestRatesDoNotOverflow) {
  TokenBucketState s;
  const PolicerRate r{kMaxPolicerRate, kMaxPolicerRate};
  EXPECT_EQ(admitted(s, r, 0, 1000, wire::kMaxFrameLen), 1000u);
  EXPECT_EQ(admitted(s, r, kMaxPolicerBurstNs * 100, 1000, wire::kMaxFrameLen), 1000u);
  // The deepest bucket: a second at the largest rate is 1.6e19 credit, below 2^64.
  TokenBucketState deep;
  unsigned n = 0;
  for (int i = 0; i < 1000; ++i)
    n += policer_admit(deep, r, kMaxPolicerBurstNs, kMaxPolicerBurstNs * 3, wire::kMaxFrameLen);
  EXPECT_EQ(n, 1000u);
  EXPECT_GT(deep.byte_credit, 15000000000ull * kNsPerSecond);
}

TEST(TokenBucket, VtepSlotsSpreadAndStayInRange) {
  unsigned hits[kVtepPolicerSlots] = {};
  unsigned used = 0;
  for (unsigned i = 0; i < 1000; ++i) {
    const uint8_t a[4] = {10, 0, static_cast<uint8_t>(i >> 8), static_cast<uint8_t>(i)};
    const uint32_t slot = vtep_policer_slot(a, 4);
    ASSERT_LT(slot, kVtepPolicerSlots);
    used += hits[slot]++ == 0;
  }
  EXPECT_GT(used, 850u);  // 1000 keys in 4096 slots: ~890 distinct expected
}

}  // namespace
}  // namespace vxsn
