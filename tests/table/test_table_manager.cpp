#include "host/table/table_manager.hpp"

#include <gtest/gtest.h>

#include "tests/table/table_test_support.hpp"

namespace vxsn {
namespace {

using namespace std::chrono_literals;
using namespace test;  // ip(), ManualClock, table_config(), the source bit masks

class TableManagerTest : public ::testing::Test {
 protected:
  void make(Config c) { tm = std::make_unique<TableManager>(c, clock.fn()); }
  void at(std::chrono::milliseconds since_start) {
    clock.t = start + since_start;
    tm->advance();
  }
  bool has(uint32_t vni, const char* addr) { return tm->entry(vni, ip(addr)).has_value(); }
  StoreResult reg(uint32_t vni, const char* addr, uint64_t id, uint32_t hold,
                  const char* from = nullptr) {
    return tm->register_vtep(vni, ip(addr), id, hold, ip(from ? from : addr));
  }

  ManualClock clock;
  const TableManager::TimePoint start = clock.t;
  std::unique_ptr<TableManager> tm;
};

TEST_F(TableManagerTest, EntriesBySourceFollowEverySourceChange) {
  make(table_config({StaticVni{100, {ip("10.0.0.1")}}}));
  ASSERT_EQ(reg(100, "10.0.0.1", 7, 90), StoreResult::kOk);  // static and registered
  ASSERT_EQ(reg(100, "10.0.0.2", 8, 90), StoreResult::kOk);
  ASSERT_EQ(reg(100, "10.0.0.2", 8, 90), StoreResult::kOk);  // a refresh counts once
  ASSERT_EQ(tm->learn(100, ip("10.0.0.3")), LearnOutcome::kLearned);
  EntriesBySource b = tm->entries_by_source();
  EXPECT_EQ(b.static_entries, 1u);
  EXPECT_EQ(b.registered, 2u);
  EXPECT_EQ(b.learned, 1u);
  EXPECT_EQ(b.peer, 0u);
  at(90'000ms);  // both registrations expire; the static entry stays
  b = tm->entries_by_source();
  EXPECT_EQ(b.registered, 0u);
  EXPECT_EQ(b.static_entries, 1u);
  EXPECT_EQ(b.learned, 1u);
  tm->reconfigure(table_config());  // no longer static: the static entry goes
  EXPECT_EQ(tm->entries_by_source().static_entries, 0u);
}

TEST_F(TableManagerTest, RegisteredEntryExpiresAtItsHoldtime) {
  make(table_config());
  ASSERT_EQ(reg(100, "10.0.0.1", 7, 90), StoreResult::kOk);
  at(89'999ms);
  EXPECT_TRUE(has(100, "10.0.0.1"));
  at(90'000ms);
  EXPECT_FALSE(has(100, "10.0.0.1"));
  EXPECT_EQ(tm->counters().expired, 1u);
  EXPECT_TRUE(tm->vnis().empty());
}

TEST_F(TableManagerTest, ExpiryBetweenTicksHappensWithinOneAgeingInterval) {
  make(table_config());
  clock.t = start + 500ms;
  ASSERT_EQ(reg(100, "10.0.0.1", 7, 10), StoreResult::kOk);  // expires at 10.5 s
  at(10'499ms);
  EXPECT_TRUE(has(100, "10.0.0.1"));
  at(11'000ms);
  EXPECT_FALSE(has(100, "10.0.0.1"));
}

TEST_F(TableManagerTest, RefreshMovesTheExpiry) {
  make(table_config());
  reg(100, "10.0.0.1", 7, 90);
  at(60s);
  reg(100, "10.0.0.1", 7, 90);  // now expires at 150 s
  at(149s);
  EXPECT_TRUE(has(100, "10.0.0.1"));
  at(150s);
  EXPECT_FALSE(has(100, "10.0.0.1"));
}

TEST_F(TableManagerTest, ShorterHoldtimeOnRefreshExpiresEarlier) {
  make(table_config());
  reg(100, "10.0.0.1", 7, 900);
  at(10s);
  reg(100, "10.0.0.1", 7, 5);  // now expires at 15 s, not 900 s
  at(15s);
  EXPECT_FALSE(has(100, "10.0.0.1"));
}

TEST_F(TableManagerTest, StaticEntriesNeverAge) {
  make(table_config({{100, {ip("10.0.0.1"), ip("fd00::1")}}}));
  at(std::chrono::hours(24 * 365));
  EXPECT_TRUE(has(100, "10.0.0.1"));
  EXPECT_TRUE(has(100, "fd00::1"));
  EXPECT_EQ(tm->counters().expired, 0u);
}

TEST_F(TableManagerTest, HoldtimeForeverNeverExpires) {
  make(table_config());
  reg(100, "10.0.0.1", 7, kHoldtimeForever);
  at(std::chrono::hours(24 * 30));
  EXPECT_TRUE(has(100, "10.0.0.1"));
}

TEST_F(TableManagerTest, EntryHeldByTwoSourcesSurvivesTheLossOfOne) {
  Config c = table_config();
  c.table.learn_holdtime_s = 300;
  make(c);
  reg(100, "10.0.0.1", 7, 90);
  EXPECT_EQ(tm->learn(100, ip("10.0.0.1")), LearnOutcome::kLearned);
  at(90s);  // the registration is gone, the learned source holds the entry
  auto e = tm->entry(100, ip("10.0.0.1"));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->sources, kLearned);
  at(300s);
  EXPECT_FALSE(has(100, "10.0.0.1"));
}

TEST_F(TableManagerTest, StaticEntryKeepsLivingAfterItsRegistrationIsWithdrawn) {
  make(table_config({{100, {ip("10.0.0.1")}}}));
  reg(100, "10.0.0.1", 7, 90);
  EXPECT_EQ(tm->entry(100, ip("10.0.0.1"))->sources, kStatic | kRegistered);
  EXPECT_EQ(reg(100, "10.0.0.1", 7, kHoldtimeWithdraw), StoreResult::kOk);
  EXPECT_EQ(tm->entry(100, ip("10.0.0.1"))->sources, kStatic);
  EXPECT_EQ(tm->counters().withdrawals, 1u);
}

TEST_F(TableManagerTest, WithdrawalRemovesOnlyThatIdentifiersRegistration) {
  make(table_config());
  // Two MLAG peers register one anycast VTEP address, each with its own identifier.
  reg(100, "10.0.0.9", 1, 90, "10.0.0.1");
  reg(100, "10.0.0.9", 2, 90, "10.0.0.2");
  reg(100, "10.0.0.9", 1, kHoldtimeWithdraw, "10.0.0.1");
  EXPECT_TRUE(has(100, "10.0.0.9"));
  reg(100, "10.0.0.9", 2, kHoldtimeWithdraw, "10.0.0.2");
  EXPECT_FALSE(has(100, "10.0.0.9"));
}

TEST_F(TableManagerTest, NewAddressWithTheSameIdentifierReplacesTheOld) {
  make(table_config());
  reg(100, "10.0.0.1", 42, 90);
  reg(200, "10.0.0.1", 42, 90);
  reg(100, "10.0.0.2", 42, 90);
  EXPECT_EQ(tm->members(100), std::vector<IpAddr>{ip("10.0.0.2")});
  // Per VNI: VNI 200 keeps the old address.
  EXPECT_EQ(tm->members(200), std::vector<IpAddr>{ip("10.0.0.1")});
  EXPECT_EQ(tm->counters().replaced_by_identifier, 1u);
  // Identifier 0 means "none": two addresses coexist.
  reg(300, "10.0.0.1", 0, 90);
  reg(300, "10.0.0.2", 0, 90);
  EXPECT_EQ(tm->members(300).size(), 2u);
}

TEST_F(TableManagerTest, LearnedEntryExpiresWithoutTrafficAndRefreshesWithIt) {
  Config c = table_config({{100, {}}});  // learning adds to existing VNIs only
  c.table.learn_holdtime_s = 30;
  make(c);
  EXPECT_EQ(tm->learn(100, ip("10.0.0.5")), LearnOutcome::kLearned);
  at(20s);
  EXPECT_EQ(tm->learn(100, ip("10.0.0.5")), LearnOutcome::kRefreshed);
  at(49s);
  EXPECT_TRUE(has(100, "10.0.0.5"));
  at(50s);
  EXPECT_FALSE(has(100, "10.0.0.5"));
  EXPECT_EQ(tm->counters().learned, 1u);
  EXPECT_EQ(tm->counters().learn_refreshes, 1u);
}

TEST_F(TableManagerTest, LearnRefreshIsNotAChange) {
  make(table_config({{100, {}}}));
  tm->learn(100, ip("10.0.0.5"));
  auto first = tm->take_changes();
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].members, (std::vector<TableMember>{{ip("10.0.0.5"), true}}));
  at(1s);
  tm->learn(100, ip("10.0.0.5"));
  EXPECT_TRUE(tm->take_changes().empty());
}

TEST_F(TableManagerTest, OneEntryKeepsABoundedNumberOfRegistrations) {
  make(table_config());
  const size_t n = TableManager::kMaxRegistrationsPerEntry;
  for (uint64_t id = 1; id <= n; ++id)
    ASSERT_EQ(reg(100, "10.0.0.5", id, 90), StoreResult::kOk) << id;
  EXPECT_EQ(reg(100, "10.0.0.5", n + 1, 90), StoreResult::kRefusedLimit);
  EXPECT_EQ(tm->counters().refused_registrations_per_entry, 1u);
  EXPECT_EQ(tm->entry(100, ip("10.0.0.5"))->registrations.size(), n);
  EXPECT_EQ(reg(100, "10.0.0.5", 3, 90), StoreResult::kOk) << "a held identifier refreshes";
  EXPECT_EQ(reg(100, "10.0.0.5", 3, kHoldtimeWithdraw), StoreResult::kOk);
  EXPECT_EQ(reg(100, "10.0.0.5", n + 1, 90), StoreResult::kOk) << "a freed place is taken";
}

TEST_F(TableManagerTest, LearningNeverCreatesAVni) {
  make(table_config({{100, {ip("10.0.0.1")}}}));
  EXPECT_EQ(tm->learn(999, ip("10.0.0.5")), LearnOutcome::kUnknownVni);
  EXPECT_EQ(tm->learn(999, ip("10.0.0.5")), LearnOutcome::kUnknownVni);
  EXPECT_FALSE(has(999, "10.0.0.5"));
  EXPECT_EQ(tm->vni_count(), 1u);
  EXPECT_EQ(tm->counters().learn_unknown_vni, 2u);
  EXPECT_EQ(tm->counters().learned, 0u);
  // A VNI that exists through a registration learns.
  EXPECT_EQ(reg(500, "10.0.0.7", 1, 90), StoreResult::kOk);
  EXPECT_EQ(tm->learn(500, ip("10.0.0.5")), LearnOutcome::kLearned);
}

TEST_F(TableManagerTest, LearningOffForAVniRange) {
  Config c = table_config({{999, {}}, {1000, {}}, {1500, {}}, {2000, {}}});
  c.learning.push_back({VniRange{1000, 1999}, false});
  make(c);
  EXPECT_EQ(tm->learn(1500, ip("10.0.0.5")), LearnOutcome::kLearningOff);
  EXPECT_EQ(tm->learn(1000, ip("10.0.0.5")), LearnOutcome::kLearningOff);
  EXPECT_EQ(tm->learn(999, ip("10.0.0.5")), LearnOutcome::kLearned);
  EXPECT_EQ(tm->learn(2000, ip("10.0.0.5")), LearnOutcome::kLearned);
  EXPECT_FALSE(has(1500, "10.0.0.5"));
  EXPECT_EQ(tm->counters().learn_disabled, 2u);
  // Registration is not learning: still allowed in that range.
  EXPECT_EQ(reg(1500, "10.0.0.5", 1, 90), StoreResult::kOk);
}

TEST_F(TableManagerTest, AllowListRefusesStrangersForRegistrationAndLearning) {
  Config c = table_config();
  c.allow.push_back({VniRange{100, 199}, {*IpPrefix::parse("10.1.0.0/16")}});
  make(c);
  EXPECT_EQ(reg(150, "10.1.2.3", 1, 90), StoreResult::kOk);
  EXPECT_EQ(reg(150, "10.2.2.3", 1, 90), StoreResult::kRefusedNotAllowed);
  // An allowed address registered by a stranger is refused too (nobody may withdraw it).
  EXPECT_EQ(reg(150, "10.1.2.3", 1, kHoldtimeWithdraw, "192.168.0.1"),
            StoreResult::kRefusedNotAllowed);
  EXPECT_TRUE(has(150, "10.1.2.3"));
  EXPECT_EQ(tm->learn(150, ip("10.2.2.3")), LearnOutcome::kRefused);
  EXPECT_EQ(tm->learn(150, ip("10.1.9.9")), LearnOutcome::kLearned);
  // VNIs outside every rule follow table.unlisted_vnis (allow by default).
  EXPECT_EQ(reg(500, "10.2.2.3", 1, 90), StoreResult::kOk);
  EXPECT_EQ(tm->counters().refused_not_allowed, 3u);
}

TEST_F(TableManagerTest, LimitsRefuseAndCount) {
  Config c = table_config();
  c.table.max_vnis = 2;
  c.table.max_members_per_vni = 2;
  c.table.max_entries = 3;
  make(c);
  EXPECT_EQ(reg(1, "10.0.0.1", 0, 90), StoreResult::kOk);
  EXPECT_EQ(reg(1, "10.0.0.2", 0, 90), StoreResult::kOk);
  EXPECT_EQ(reg(1, "10.0.0.3", 0, 90), StoreResult::kRefusedLimit);  // members per VNI
  EXPECT_EQ(reg(2, "10.0.0.1", 0, 90), StoreResult::kOk);
  EXPECT_EQ(reg(3, "10.0.0.1", 0, 90), StoreResult::kRefusedLimit);  // VNIs
  EXPECT_EQ(reg(2, "10.0.0.2", 0, 90), StoreResult::kRefusedLimit);  // entries
  EXPECT_EQ(tm->learn(2, ip("10.0.0.3")), LearnOutcome::kRefused);   // entries
  // Refreshing an existing entry is never refused by a size limit.
  EXPECT_EQ(reg(1, "10.0.0.2", 0, 90), StoreResult::kOk);
  const TableCounters k = tm->counters();
  EXPECT_EQ(k.refused_member_limit, 1u);
  EXPECT_EQ(k.refused_vni_limit, 1u);
  EXPECT_EQ(k.refused_entry_limit, 2u);
  EXPECT_EQ(tm->entry_count(), 3u);
  EXPECT_EQ(tm->vnis(), (std::vector<uint32_t>{1, 2}));
}

TEST_F(TableManagerTest, RegistrationRateIsPerRequester) {
  Config c = table_config();
  c.table.registration_rate = 10;
  c.table.registration_burst = 5;
  make(c);
  for (uint32_t i = 0; i < 5; ++i) EXPECT_EQ(reg(i + 1, "10.0.0.1", 0, 90), StoreResult::kOk);
  EXPECT_EQ(reg(6, "10.0.0.1", 0, 90), StoreResult::kRefusedRate);
  EXPECT_EQ(reg(6, "10.0.0.2", 0, 90), StoreResult::kOk);  // another requester
  clock.advance(100ms);                                    // 10/s: one token back
  EXPECT_EQ(reg(6, "10.0.0.1", 0, 90), StoreResult::kOk);
  EXPECT_EQ(reg(7, "10.0.0.1", 0, 90), StoreResult::kRefusedRate);
  EXPECT_EQ(tm->counters().refused_rate, 2u);
}

TEST_F(TableManagerTest, InvalidInputIsRefused) {
  make(table_config());
  EXPECT_EQ(tm->register_vtep(1u << 24, ip("10.0.0.1"), 0, 90, ip("10.0.0.1")),
            StoreResult::kRefusedNotAllowed);
  EXPECT_EQ(tm->register_vtep(5, IpAddr{}, 0, 90, ip("10.0.0.1")), StoreResult::kRefusedNotAllowed);
  EXPECT_EQ(tm->counters().refused_invalid, 2u);
  EXPECT_EQ(tm->entry_count(), 0u);
}

TEST_F(TableManagerTest, ReloadDiffsTheStaticSource) {
  make(table_config({{100, {ip("10.0.0.1"), ip("10.0.0.2")}}, {200, {}}}));
  reg(100, "10.0.0.2", 1, 90);
  tm->take_changes();

  Config next = table_config({{100, {ip("10.0.0.3")}}, {300, {ip("10.0.0.1")}}});
  tm->reconfigure(next);
  // .1: static only -> gone; .2: static + registered -> registered; .3: new static.
  EXPECT_FALSE(has(100, "10.0.0.1"));
  EXPECT_EQ(tm->entry(100, ip("10.0.0.2"))->sources, kRegistered);
  EXPECT_EQ(tm->entry(100, ip("10.0.0.3"))->sources, kStatic);
  EXPECT_EQ(tm->vnis(), (std::vector<uint32_t>{100, 300}));  // empty VNI 200 went

  auto changes = tm->take_changes();
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_EQ(changes[0].vni, 100u);
  EXPECT_EQ(changes[0].members,
            (std::vector<TableMember>{{ip("10.0.0.2"), false}, {ip("10.0.0.3"), false}}));
  EXPECT_EQ(changes[1].vni, 200u);
  EXPECT_FALSE(changes[1].present);
  EXPECT_EQ(changes[2].vni, 300u);
  EXPECT_TRUE(changes[2].present);
}

TEST_F(TableManagerTest, ConfiguredEmptyVniIsInTheTable) {
  make(table_config({{200, {}}}));
  auto changes = tm->take_changes();
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_TRUE(changes[0].present);
  EXPECT_TRUE(changes[0].members.empty());
  EXPECT_EQ(tm->vnis(), std::vector<uint32_t>{200});
}

TEST_F(TableManagerTest, ReloadDropsSourcesTheNewPolicyRefuses) {
  make(table_config({{100, {ip("10.9.0.1")}}}));
  reg(100, "10.0.0.1", 1, 90);
  tm->learn(100, ip("10.0.0.2"));
  tm->learn(200, ip("10.0.0.3"));
  Config next = table_config({{100, {ip("10.9.0.1")}}});
  next.allow.push_back({VniRange{100, 100}, {*IpPrefix::parse("10.9.0.0/16")}});
  next.learning.push_back({VniRange{200, 200}, false});
  tm->reconfigure(next);
  EXPECT_TRUE(has(100, "10.9.0.1"));  // static: the config itself is the policy
  EXPECT_FALSE(has(100, "10.0.0.1"));
  EXPECT_FALSE(has(100, "10.0.0.2"));
  EXPECT_FALSE(has(200, "10.0.0.3"));
}

TEST_F(TableManagerTest, ChangesAreBatchedPerVni) {
  make(table_config());
  int wakeups = 0;
  tm->set_change_callback([&] { ++wakeups; });
  reg(1, "10.0.0.1", 0, 90);
  reg(1, "10.0.0.2", 0, 90);
  reg(2, "10.0.0.1", 0, 90);
  EXPECT_EQ(wakeups, 1);  // only the first change of a batch wakes the loop
  auto changes = tm->take_changes();
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].members.size(), 2u);
  EXPECT_TRUE(tm->take_changes().empty());
  reg(1, "10.0.0.1", 0, 90);  // a refresh changes no member list
  EXPECT_TRUE(tm->take_changes().empty());
  EXPECT_EQ(wakeups, 1);
}

TEST_F(TableManagerTest, AddressChangesTrackDistinctMembers) {
  make(table_config());
  EXPECT_EQ(tm->take_address_changes(), std::vector<IpAddr>{});
  reg(1, "10.0.0.1", 0, 90);
  reg(2, "10.0.0.1", 0, 90);
  EXPECT_EQ(tm->take_address_changes(), std::vector<IpAddr>{ip("10.0.0.1")});
  reg(3, "10.0.0.1", 0, 90);
  EXPECT_FALSE(tm->take_address_changes());  // same address set
  reg(1, "10.0.0.1", 0, kHoldtimeWithdraw);
  EXPECT_FALSE(tm->take_address_changes());  // still a member of VNIs 2 and 3
}

// The API's per-VNI path does for one VNI what reconfigure does for all, and touches no
// other VNI: the same table as a reconfigure with the same config.
TEST_F(TableManagerTest, SetStaticVniChangesThatVniAsReconfigureWouldAndNoOther) {
  make(table_config(
      {StaticVni{1, {ip("10.0.0.1"), ip("10.0.0.2")}}, StaticVni{2, {ip("10.0.0.3")}}}));
  ASSERT_EQ(reg(1, "10.0.0.1", 7, 90), StoreResult::kOk);  // static and registered
  tm->take_changes();
  const std::vector<IpAddr> vni1 = {ip("10.0.0.2"), ip("10.0.0.4")};
  tm->set_static_vni(1, &vni1);
  auto changes = tm->take_changes();
  ASSERT_EQ(changes.size(), 1u);  // VNI 2 untouched
  EXPECT_EQ(changes[0].vni, 1u);
  EXPECT_EQ(tm->members(1), (std::vector<IpAddr>{ip("10.0.0.1"), ip("10.0.0.2"), ip("10.0.0.4")}));
  EXPECT_FALSE(tm->entry(1, ip("10.0.0.1"))->has(EntrySource::kStatic));  // registered only
  EXPECT_TRUE(tm->entry(1, ip("10.0.0.4"))->has(EntrySource::kStatic));

  tm->set_static_vni(2, nullptr);  // no longer configured: its static-only entry goes
  changes = tm->take_changes();
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].vni, 2u);
  EXPECT_FALSE(changes[0].present);
  const std::vector<IpAddr> none;
  tm->set_static_vni(3, &none);  // configured and empty: present with no members
  changes = tm->take_changes();
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_TRUE(changes[0].present);
  EXPECT_TRUE(changes[0].members.empty());

  // Side by side: a second table reconfigured to the same config ends up identical.
  TableManager whole(table_config({StaticVni{1, {ip("10.0.0.1"), ip("10.0.0.2")}},
                                   StaticVni{2, {ip("10.0.0.3")}}}),
                     clock.fn());
  ASSERT_EQ(whole.register_vtep(1, ip("10.0.0.1"), 7, 90, ip("10.0.0.1")), StoreResult::kOk);
  whole.reconfigure(table_config({StaticVni{1, vni1}, StaticVni{3, {}}}));
  const auto want = whole.snapshot(), got = tm->snapshot();
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(got[i].vni, want[i].vni);
    EXPECT_EQ(got[i].present, want[i].present);
    EXPECT_EQ(got[i].members, want[i].members) << "VNI " << want[i].vni;
  }
  EXPECT_EQ(whole.entries_by_source().static_entries, tm->entries_by_source().static_entries);
}

// The API's per-member path (members that came and went) ends in the table set_static_vni
// gives for the VNI's whole new list: the same entries, sources and change reports.
TEST_F(TableManagerTest, ChangeStaticMembersEndsAsSetStaticVniWithTheWholeList) {
  const Config c = table_config(
      {StaticVni{1, {ip("10.0.0.1"), ip("10.0.0.2")}}, StaticVni{2, {ip("10.0.0.3")}}});
  make(c);
  TableManager whole(c, clock.fn());
  for (TableManager* t : {tm.get(), &whole}) {
    ASSERT_EQ(t->register_vtep(1, ip("10.0.0.1"), 7, 90, ip("10.0.0.1")), StoreResult::kOk);
    t->take_changes();
  }
  auto same = [&](const char* step) {
    const auto want = whole.take_changes(), got = tm->take_changes();
    ASSERT_EQ(got.size(), want.size()) << step;
    for (size_t i = 0; i < want.size(); ++i) {
      EXPECT_EQ(got[i].vni, want[i].vni) << step;
      EXPECT_EQ(got[i].present, want[i].present) << step;
      EXPECT_EQ(got[i].members, want[i].members) << step;
    }
    EXPECT_EQ(whole.entries_by_source().static_entries, tm->entries_by_source().static_entries)
        << step;
    for (const char* a : {"10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4"})
      for (uint32_t vni : {1u, 2u}) {
        auto g = tm->entry(vni, ip(a)), w = whole.entry(vni, ip(a));
        ASSERT_EQ(g.has_value(), w.has_value()) << step << " " << a;
        if (g) EXPECT_EQ(g->sources, w->sources) << step << " " << a;
      }
  };
  // One added (new), one added that is registered already.
  tm->change_static_members(1, {ip("10.0.0.4")}, {}, true);
  const std::vector<IpAddr> added = {ip("10.0.0.1"), ip("10.0.0.2"), ip("10.0.0.4")};
  whole.set_static_vni(1, &added);
  same("added");
  // One removed that stays registered, one removed that goes.
  tm->change_static_members(1, {}, {ip("10.0.0.1"), ip("10.0.0.2")}, true);
  const std::vector<IpAddr> removed = {ip("10.0.0.4")};
  whole.set_static_vni(1, &removed);
  same("removed");
  // The last member of VNI 2 removed and the VNI no longer configured.
  tm->change_static_members(2, {}, {ip("10.0.0.3")}, false);
  whole.set_static_vni(2, nullptr);
  same("unconfigured");
}

// After the whole list was taken once, member addresses are reported by difference.
TEST_F(TableManagerTest, AddressDeltaReportsOnlyAddressesThatCameOrWent) {
  make(table_config({StaticVni{1, {ip("10.0.0.1")}}}));
  EXPECT_TRUE(tm->take_address_delta().empty());  // nothing before a whole take
  EXPECT_EQ(tm->take_address_changes(), std::vector<IpAddr>{ip("10.0.0.1")});
  reg(2, "10.0.0.1", 0, 90);  // an address already a member elsewhere: no change
  EXPECT_TRUE(tm->take_address_delta().empty());
  reg(2, "10.0.0.2", 0, 90);
  reg(2, "10.0.0.3", 0, 90);
  reg(2, "10.0.0.3", 0, kHoldtimeWithdraw);  // came and went within one batch
  tm->reconfigure(table_config());           // 10.0.0.1 stays: still registered in VNI 2
  AddressDelta d = tm->take_address_delta();
  EXPECT_EQ(d.added, std::vector<IpAddr>{ip("10.0.0.2")});
  EXPECT_EQ(d.removed, std::vector<IpAddr>{ip("10.0.0.3")});  // removing it is harmless
  reg(2, "10.0.0.2", 0, kHoldtimeWithdraw);
  d = tm->take_address_delta();
  EXPECT_TRUE(d.added.empty());
  EXPECT_EQ(d.removed, std::vector<IpAddr>{ip("10.0.0.2")});
  EXPECT_TRUE(tm->take_address_delta().empty());
}

TEST_F(TableManagerTest, EntryRecordsTimestampsAndExpiries) {
  make(table_config());
  clock.advance(5s);
  reg(1, "10.0.0.1", 9, 90);
  const auto created = clock.t;
  clock.advance(10s);
  reg(1, "10.0.0.1", 9, 60);
  auto e = tm->entry(1, ip("10.0.0.1"));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->created, created);
  EXPECT_EQ(e->updated, clock.t);
  ASSERT_EQ(e->registrations.size(), 1u);
  EXPECT_EQ(e->registrations[0].first, 9u);
  EXPECT_EQ(e->registrations[0].second, clock.t + 60s);
}

TEST_F(TableManagerTest, ManyEntriesAgeInOneAdvance) {
  make(table_config());
  for (uint32_t vni = 1; vni <= 200; ++vni)
    for (int h = 1; h <= 10; ++h)
      tm->apply_peer(vni, ip("10.0.0." + std::to_string(h)), true, clock.t + 30s);
  EXPECT_EQ(tm->entry_count(), 2000u);
  at(29s);
  EXPECT_EQ(tm->entry_count(), 2000u);
  at(std::chrono::hours(10));  // far past: every slot of the wheel visited once
  EXPECT_EQ(tm->entry_count(), 0u);
  EXPECT_EQ(tm->vni_count(), 0u);
}

}  // namespace
}  // namespace vxsn
