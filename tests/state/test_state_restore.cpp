// The table manager's side of a restart: saved_sources() lists registered and learned
// sources (not static, not peers'), restore() puts them back with their expiries, drops
// the expired ones, and applies the policy a new source would meet; ageing then continues.
#include <gtest/gtest.h>

#include "tests/table/table_test_support.hpp"

namespace vxsn::test {
namespace {

using namespace std::chrono_literals;

TEST(StateRestore, SavedSourcesAreRegisteredAndLearnedOnly) {
  ManualClock clock;
  TableManager t(table_config({{100, {ip("10.0.0.1")}}}), clock.fn());
  ASSERT_EQ(t.register_vtep(100, ip("10.0.0.2"), 7, 90, ip("10.0.0.2")), StoreResult::kOk);
  ASSERT_EQ(t.learn(100, ip("10.0.0.3")), LearnOutcome::kLearned);
  ASSERT_EQ(t.apply_peer(100, ip("10.0.0.4"), true, clock.t + 60s), StoreResult::kOk);
  std::vector<SavedSource> saved = t.saved_sources();
  ASSERT_EQ(saved.size(), 2u);
  for (const SavedSource& s : saved) {
    if (s.source == EntrySource::kRegistered) {
      EXPECT_EQ(s.vtep, ip("10.0.0.2"));
      EXPECT_EQ(s.identifier, 7u);
      EXPECT_EQ(s.expires, clock.t + 90s);
    } else {
      EXPECT_EQ(s.vtep, ip("10.0.0.3"));
      EXPECT_EQ(s.expires, clock.t + 300s);
    }
  }
}

TEST(StateRestore, RestoredSourcesKeepExpiriesAndAgeOnTime) {
  ManualClock clock;
  const Config config = table_config({{100, {ip("10.0.0.1")}}});
  std::vector<SavedSource> saved;
  {
    TableManager before(config, clock.fn());
    before.register_vtep(100, ip("10.0.0.2"), 7, 90, ip("10.0.0.2"));
    before.learn(100, ip("10.0.0.3"));
    saved = before.saved_sources();
  }
  clock.advance(30s);  // the restart took 30 s
  TableManager after(config, clock.fn());
  const RestoreCounts n = after.restore(saved);
  EXPECT_EQ(n.restored, 2u);
  EXPECT_EQ(n.expired, 0u);
  EXPECT_EQ(after.members(100),
            (std::vector<IpAddr>{ip("10.0.0.1"), ip("10.0.0.2"), ip("10.0.0.3")}));
  auto reg = after.entry(100, ip("10.0.0.2"));
  ASSERT_TRUE(reg);
  EXPECT_TRUE(reg->has(EntrySource::kRegistered));
  ASSERT_EQ(reg->registrations.size(), 1u);
  EXPECT_EQ(reg->registrations[0].first, 7u);
  EXPECT_EQ(after.entries_by_source().registered, 1u);
  EXPECT_EQ(after.entries_by_source().learned, 1u);
  // The registration had 90 s when saved, 30 s went by: gone 60 s after the restart.
  clock.advance(59s);
  after.advance();
  EXPECT_TRUE(after.entry(100, ip("10.0.0.2")));
  clock.advance(2s);
  after.advance();
  EXPECT_FALSE(after.entry(100, ip("10.0.0.2")));
  EXPECT_TRUE(after.entry(100, ip("10.0.0.3")));  // learned: 300 s
}

TEST(StateRestore, ExpiredSourcesAreDropped) {
  ManualClock clock;
  TableManager t(table_config({{100, {}}}), clock.fn());
  std::vector<SavedSource> saved = {
      {100, ip("10.0.0.2"), EntrySource::kLearned, 0, clock.t - 1s},
      {100, ip("10.0.0.3"), EntrySource::kLearned, 0, clock.t + 1s},
  };
  const RestoreCounts n = t.restore(saved);
  EXPECT_EQ(n.restored, 1u);
  EXPECT_EQ(n.expired, 1u);
  EXPECT_EQ(t.members(100), (std::vector<IpAddr>{ip("10.0.0.3")}));
}

TEST(StateRestore, PolicyAppliesAsToNewSources) {
  ManualClock clock;
  Config config = table_config({{100, {}}});
  config.allow = {AllowRule{VniRange{100, 100}, {*IpPrefix::parse("10.0.0.0/24")}}};
  TableManager t(config, clock.fn());
  std::vector<SavedSource> saved = {
      {100, ip("10.9.9.9"), EntrySource::kRegistered, 1, clock.t + 60s},  // outside the allow-list
      {555, ip("10.0.0.5"), EntrySource::kLearned, 0, clock.t + 60s},     // learning needs a VNI
      {556, ip("10.0.0.6"), EntrySource::kRegistered, 2, clock.t + 60s},  // registering makes one
      {556, ip("10.0.0.7"), EntrySource::kLearned, 0, clock.t + 60s},     // ... so this one stays
  };
  const RestoreCounts n = t.restore(saved);
  EXPECT_EQ(n.restored, 2u);
  EXPECT_EQ(n.refused, 2u);
  EXPECT_TRUE(t.members(100).empty());
  EXPECT_TRUE(t.members(555).empty());
  EXPECT_EQ(t.members(556), (std::vector<IpAddr>{ip("10.0.0.6"), ip("10.0.0.7")}));
}

}  // namespace
}  // namespace vxsn::test
