#include "host/table/timer_wheel.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <vector>

namespace vxsn {
namespace {

TEST(TimerWheel, FiresEachItemAtItsDeadline) {
  TimerWheel<int> w(8);
  w.schedule(3, 30);
  w.schedule(1, 10);
  w.schedule(20, 200);  // more than one turn away
  std::vector<std::pair<uint64_t, int>> fired;
  auto record = [&](uint64_t tick, int v) { fired.emplace_back(tick, v); };
  w.advance(1, record);
  EXPECT_EQ(fired, (std::vector<std::pair<uint64_t, int>>{{1, 10}}));
  w.advance(2, record);
  EXPECT_EQ(fired.size(), 1u);
  w.advance(12, record);  // passes slot 20 & 7 == 4 once: not yet due
  EXPECT_EQ(fired.size(), 2u);
  EXPECT_EQ(fired[1], (std::pair<uint64_t, int>{3, 30}));
  w.advance(19, record);
  EXPECT_EQ(fired.size(), 2u);
  w.advance(20, record);
  EXPECT_EQ(fired.size(), 3u);
  EXPECT_EQ(w.size(), 0u);
}

TEST(TimerWheel, LongJumpVisitsEverySlotOnce) {
  TimerWheel<int> w(16);
  for (int i = 1; i <= 100; ++i) w.schedule(static_cast<uint64_t>(i), i);
  int count = 0;
  w.advance(1'000'000, [&](uint64_t, int) { ++count; });
  EXPECT_EQ(count, 100);
  EXPECT_EQ(w.size(), 0u);
}

TEST(TimerWheel, PastDeadlineFiresAtTheNextAdvance) {
  TimerWheel<int> w(8);
  w.advance(10, [](uint64_t, int) {});
  w.schedule(4, 1);
  int fired = 0;
  w.advance(11, [&](uint64_t, int) { ++fired; });
  EXPECT_EQ(fired, 1);
}

TEST(TimerWheel, FireMayScheduleLaterItems) {
  TimerWheel<int> w(8);
  w.schedule(1, 0);
  std::vector<uint64_t> ticks;
  std::function<void(uint64_t, int)> fire = [&](uint64_t tick, int n) {
    ticks.push_back(tick);
    if (n < 3) w.schedule(tick + 5, n + 1);
  };
  for (uint64_t t = 1; t <= 30; ++t) w.advance(t, fire);
  EXPECT_EQ(ticks, (std::vector<uint64_t>{1, 6, 11, 16}));
}

}  // namespace
}  // namespace vxsn
