#include "host/table/learn_filter.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "tests/table/table_test_support.hpp"

namespace vxsn {
namespace {

using test::ip;

constexpr uint64_t kSecond = 1'000'000'000;

std::unique_ptr<FloodTable> table_with(uint32_t vni, std::vector<std::pair<const char*, bool>> m) {
  std::vector<MemberSpec> specs;
  for (auto& [addr, learned] : m) {
    MemberSpec s;
    s.addr = ip(addr);
    s.refresh_from_traffic = learned;
    specs.push_back(s);
  }
  FloodTableBuilder b;
  b.add_vni(vni, specs, nullptr);
  return b.build();
}

LearnFilterParams params(uint32_t rate = 1000, uint32_t burst = 100) {
  LearnFilterParams p;
  p.cache_slots = 64;
  p.hold_ns = kSecond;
  p.events_per_s = rate;
  p.burst = burst;
  return p;
}

TEST(LearnFilter, StrangerIsReportedOncePerHoldPeriod) {
  auto t = table_with(100, {{"10.0.0.1", false}});
  LearnFilter f(params());
  LearnReport r;
  ASSERT_TRUE(f.check(*t, 100, ip("10.0.0.9"), 5 * kSecond, r));
  EXPECT_EQ(r.vni, 100u);
  EXPECT_EQ(r.vtep, ip("10.0.0.9"));
  EXPECT_FALSE(r.refresh);
  EXPECT_FALSE(f.check(*t, 100, ip("10.0.0.9"), 5 * kSecond + kSecond / 2, r));
  EXPECT_TRUE(f.check(*t, 100, ip("10.0.0.9"), 6 * kSecond, r));
  EXPECT_EQ(f.counters().reported.get(), 2u);
  EXPECT_EQ(f.counters().checked.get(), 2u);  // the quiet frame never scanned the list
}

// Learning never creates a VNI: a stranger's flood for a VNI the table lacks is no event
// (it would only fill the queue the real learn events need).
TEST(LearnFilter, UnknownVniIsNeverReported) {
  auto t = table_with(100, {});
  LearnFilter f(params());
  LearnReport r;
  for (uint64_t s = 1; s < 5; ++s) EXPECT_FALSE(f.check(*t, 555, ip("10.0.0.9"), s * kSecond, r));
  EXPECT_EQ(f.counters().reported.get(), 0u);
}

TEST(LearnFilter, StrictVniNeverReportsAStranger) {
  std::vector<MemberSpec> specs(2);
  specs[0].addr = ip("10.0.0.1");
  specs[1].addr = ip("10.0.0.2");
  specs[1].refresh_from_traffic = true;
  VniPolicy strict;
  strict.source_check = SourceCheck::kStrict;
  auto t = FloodTableBuilder().add_vni(100, specs, nullptr, strict).build();
  LearnFilter f(params());
  LearnReport r;
  EXPECT_FALSE(f.check(*t, 100, ip("10.0.0.9"), kSecond, r));
  ASSERT_TRUE(f.check(*t, 100, ip("10.0.0.2"), kSecond, r)) << "a learned member still refreshes";
  EXPECT_TRUE(r.refresh);
}

TEST(LearnFilter, StaticOrRegisteredMemberIsNeverReported) {
  auto t = table_with(100, {{"10.0.0.1", false}});
  LearnFilter f(params());
  LearnReport r;
  for (uint64_t s = 1; s < 10; ++s) EXPECT_FALSE(f.check(*t, 100, ip("10.0.0.1"), s * kSecond, r));
}

TEST(LearnFilter, LearnedMemberIsRefreshedAtMostOncePerHoldPeriod) {
  auto t = table_with(100, {{"10.0.0.1", false}, {"fd00::7", true}});
  LearnFilter f(params());
  LearnReport r;
  int refreshes = 0;
  // 10 frames a second for 3 seconds.
  for (uint64_t ms = 0; ms < 3000; ms += 100)
    if (f.check(*t, 100, ip("fd00::7"), kSecond + ms * 1'000'000, r)) {
      EXPECT_TRUE(r.refresh);
      ++refreshes;
    }
  EXPECT_EQ(refreshes, 3);
}

TEST(LearnFilter, RateLimitCapsReports) {
  auto t = table_with(100, {});
  LearnFilter f(params(/*rate=*/10, /*burst=*/5));
  LearnReport r;
  int reported = 0;
  for (int i = 0; i < 50; ++i)
    reported += f.check(*t, 100, ip("10.1.0." + std::to_string(i + 1)), kSecond, r);
  EXPECT_EQ(reported, 5);
  EXPECT_EQ(f.counters().rate_limited.get(), 45u);
  // 10/s: half a second later, five more tokens.
  for (int i = 50; i < 100; ++i)
    reported += f.check(*t, 100, ip("10.1.0." + std::to_string(i + 1)), kSecond + kSecond / 2, r);
  EXPECT_EQ(reported, 10);
}

TEST(SpscQueue, FullQueueRefusesAndOrderIsKept) {
  SpscQueue<int, 4> q;
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(q.try_push(i));
  EXPECT_FALSE(q.try_push(4));
  int v;
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(q.try_pop(v));
    EXPECT_EQ(v, i);
  }
  EXPECT_FALSE(q.try_pop(v));
}

TEST(SpscQueue, TwoThreadsPassEveryItemInOrder) {
  static SpscQueue<uint64_t, 256> q;
  constexpr uint64_t kItems = 2'000'000;
  std::thread producer([] {
    for (uint64_t i = 0; i < kItems;)
      if (q.try_push(i)) ++i;
  });
  uint64_t expected = 0;
  bool in_order = true;
  while (expected < kItems) {
    q.drain([&](uint64_t v) {
      in_order &= v == expected;
      ++expected;
    });
  }
  producer.join();
  EXPECT_TRUE(in_order);
  EXPECT_EQ(expected, kItems);
}

}  // namespace
}  // namespace vxsn
