// TableAgeing alone: which sources are expired at a given time, when an entry's item is due
// (tick rounding, wall-clock alignment), and that stale items are skipped.
#include "host/table/table_ageing.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "tests/table/table_test_support.hpp"

namespace vxsn {
namespace {

using namespace std::chrono_literals;
using test::ip;

const TableTimePoint kStart = test::kPartsStart;

class TableAgeingTest : public ::testing::Test {
 protected:
  StoredEntry& add(uint32_t vni, const char* addr, EntrySource s) {
    return test::hold(store, vni, addr, s);
  }
  // The (vni, address) pairs handed over by advancing to `at`.
  std::vector<std::pair<uint32_t, IpAddr>> due_at(TableTimePoint at) {
    std::vector<std::pair<uint32_t, IpAddr>> due;
    ageing.advance(at, store, [&](uint32_t vni, const IpAddr& addr, StoredEntry& e) {
      EXPECT_EQ(e.armed_tick, 0u);  // handed over disarmed
      due.emplace_back(vni, addr);
    });
    return due;
  }

  TableEntryStore store;
  TableAgeing ageing{kStart, 1000ms};
};

TEST_F(TableAgeingTest, ExpiredSourcesAreExactlyThosePastTheirExpiryAtNow) {
  StoredEntry& e = add(100, "10.0.0.1", EntrySource::kRegistered);
  e.registrations = {{7, kStart + 10s}, {8, kStart + 20s}, {9, kNeverExpires}};
  add(100, "10.0.0.1", EntrySource::kLearned).learned_expires = kStart + 10s;
  add(100, "10.0.0.1", EntrySource::kPeer).peer_expires = kStart + 30s;
  add(100, "10.0.0.1", EntrySource::kStatic);
  ExpiredSources out;
  TableAgeing::expired_sources(e, kStart + 10s - 1ms, out);
  EXPECT_FALSE(out.any());
  TableAgeing::expired_sources(e, kStart + 10s, out);
  EXPECT_EQ(out.registrations, (std::vector<uint64_t>{7}));
  EXPECT_TRUE(out.learned);
  EXPECT_FALSE(out.peer);
  TableAgeing::expired_sources(e, kStart + 30s, out);  // `out` is reused: refilled, not added to
  EXPECT_EQ(out.registrations, (std::vector<uint64_t>{7, 8}));
  EXPECT_TRUE(out.learned);
  EXPECT_TRUE(out.peer);
  EXPECT_EQ(TableAgeing::earliest_expiry(e), kStart + 10s);
}

TEST_F(TableAgeingTest, AnEntryIsHandedOverAtTheFirstTickAtOrAfterItsExpiry) {
  add(100, "10.0.0.1", EntrySource::kLearned).learned_expires = kStart + 2500ms;
  add(100, "10.0.0.2", EntrySource::kLearned).learned_expires = kStart + 3s;
  for (auto& [addr, e] : store.find_vni(100)->entries) ageing.arm(100, addr, e);
  EXPECT_EQ(ageing.scheduled(), 2u);
  EXPECT_TRUE(due_at(kStart + 2999ms).empty());  // 2.5 s rounds up to tick 3
  const auto due = due_at(kStart + 3s);
  ASSERT_EQ(due.size(), 2u);
  EXPECT_EQ(ageing.scheduled(), 0u);
}

TEST_F(TableAgeingTest, StaticAndForeverSourcesAreNeverScheduled) {
  StoredEntry& e = add(100, "10.0.0.1", EntrySource::kStatic);
  ageing.arm(100, ip("10.0.0.1"), e);
  add(100, "10.0.0.1", EntrySource::kRegistered).registrations = {{7, kNeverExpires}};
  ageing.arm(100, ip("10.0.0.1"), e);
  EXPECT_EQ(ageing.scheduled(), 0u);
  EXPECT_EQ(e.armed_tick, 0u);
}

TEST_F(TableAgeingTest, ALaterExpiryKeepsTheArmedItemAndAnEarlierOneReplacesIt) {
  StoredEntry& e = add(100, "10.0.0.1", EntrySource::kLearned);
  e.learned_expires = kStart + 5s;
  ageing.arm(100, ip("10.0.0.1"), e);
  e.learned_expires = kStart + 9s;  // a refresh: no wheel work
  ageing.arm(100, ip("10.0.0.1"), e);
  EXPECT_EQ(ageing.scheduled(), 1u);
  EXPECT_EQ(e.armed_tick, 5u);
  e.learned_expires = kStart + 2s;  // earlier: a new item, the old one goes stale
  ageing.arm(100, ip("10.0.0.1"), e);
  EXPECT_EQ(e.armed_tick, 2u);
  EXPECT_EQ(due_at(kStart + 2s).size(), 1u);
  EXPECT_TRUE(due_at(kStart + 5s).empty());  // the stale item at tick 5 is skipped
}

TEST_F(TableAgeingTest, AnItemOfAnEntryThatWentIsSkipped) {
  StoredEntry& e = add(100, "10.0.0.1", EntrySource::kLearned);
  e.learned_expires = kStart + 1s;
  ageing.arm(100, ip("10.0.0.1"), e);
  store.clear_source(100, ip("10.0.0.1"), e, EntrySource::kLearned);
  ASSERT_TRUE(store.remove_if_unheld(100, ip("10.0.0.1")));
  EXPECT_TRUE(due_at(kStart + 1s).empty());
  EXPECT_EQ(ageing.scheduled(), 0u);
}

TEST_F(TableAgeingTest, WallClockAlignmentPutsTicksOnMultiplesOfTheInterval) {
  // 1.3 s past a whole second of the Unix clock: ticks fall 0.7 s, 1.7 s ... from now.
  ageing.align_to_wall_clock(kStart, 1'700'000'001'300);
  EXPECT_EQ(ageing.epoch(), kStart - 300ms);
  EXPECT_EQ(ageing.tick_of(kStart + 700ms), 1u);
  EXPECT_EQ(ageing.tick_of(kStart + 701ms), 2u);
  StoredEntry& e = add(100, "10.0.0.1", EntrySource::kLearned);
  e.learned_expires = kStart + 500ms;
  ageing.arm(100, ip("10.0.0.1"), e);
  EXPECT_TRUE(due_at(kStart + 699ms).empty());
  EXPECT_EQ(due_at(kStart + 700ms).size(), 1u);
}

TEST_F(TableAgeingTest, NothingHappensBeforeTheEpoch) {
  StoredEntry& e = add(100, "10.0.0.1", EntrySource::kLearned);
  e.learned_expires = kStart;  // already due
  ageing.arm(100, ip("10.0.0.1"), e);
  bool called = false;
  EXPECT_FALSE(ageing.advance(kStart - 1ms, store,
                              [&](uint32_t, const IpAddr&, StoredEntry&) { called = true; }));
  EXPECT_FALSE(called);
  EXPECT_EQ(due_at(kStart + 1s).size(), 1u);
}

}  // namespace
}  // namespace vxsn
