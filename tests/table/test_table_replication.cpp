// What the table manager hands to HA replication (take_local_changes) and how it takes
// peers' entries (apply_peer): own sources only, no echo of peers' changes, no publish for
// ageing, and a re-assertion when a peer's word would end an entry this node still holds.
#include <gtest/gtest.h>

#include <algorithm>

#include "host/table/table_manager.hpp"
#include "tests/table/table_test_support.hpp"

namespace vxsn {
namespace {

using namespace std::chrono_literals;
using namespace test;  // ip(), ManualClock, table_config(), the source bit masks

class TableReplicationTest : public ::testing::Test {
 protected:
  void make(Config c) {
    tm = std::make_unique<TableManager>(c, clock.fn());
    tm->enable_replication();
  }
  const LocalEntryChange* find(const std::vector<LocalEntryChange>& v, uint32_t vni,
                               const char* addr) {
    auto it = std::find_if(v.begin(), v.end(), [&](const LocalEntryChange& c) {
      return c.vni == vni && c.vtep == ip(addr);
    });
    return it == v.end() ? nullptr : &*it;
  }
  ManualClock clock;
  std::unique_ptr<TableManager> tm;
};

TEST_F(TableReplicationTest, EnablingQueuesEveryEntryHeldAtStart) {
  make(table_config({StaticVni{100, {ip("10.0.0.1"), ip("10.0.0.2")}}}));
  auto changes = tm->take_local_changes();
  ASSERT_EQ(changes.size(), 2u);
  for (const char* a : {"10.0.0.1", "10.0.0.2"}) {
    const LocalEntryChange* c = find(changes, 100, a);
    ASSERT_NE(c, nullptr) << a;
    EXPECT_TRUE(c->held);
    EXPECT_EQ(c->sources, kStatic);
    EXPECT_EQ(c->expires, EntryInfo::kNever);
  }
  EXPECT_TRUE(tm->take_local_changes().empty()) << "taken once";
}

TEST_F(TableReplicationTest, RegistrationCarriesItsIdentifierAndExpiry) {
  make(table_config());
  ASSERT_EQ(tm->register_vtep(7, ip("10.0.0.5"), 42, 90, ip("10.0.0.5")), StoreResult::kOk);
  auto changes = tm->take_local_changes();
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_TRUE(changes[0].held);
  EXPECT_EQ(changes[0].sources, kRegistered);
  EXPECT_EQ(changes[0].identifier, 42u);
  EXPECT_EQ(changes[0].expires, clock.t + 90s);

  // The withdrawal is replicated as a removal.
  tm->register_vtep(7, ip("10.0.0.5"), 42, kHoldtimeWithdraw, ip("10.0.0.5"));
  changes = tm->take_local_changes();
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_FALSE(changes[0].held);
}

TEST_F(TableReplicationTest, LearnedRefreshIsQueuedWithTheLaterExpiry) {
  Config c = table_config({{9, {}}});  // learning adds to existing VNIs only
  c.table.learn_holdtime_s = 300;
  make(c);
  ASSERT_EQ(tm->learn(9, ip("10.0.0.9")), LearnOutcome::kLearned);
  tm->take_local_changes();
  clock.advance(5s);
  ASSERT_EQ(tm->learn(9, ip("10.0.0.9")), LearnOutcome::kRefreshed);
  auto changes = tm->take_local_changes();
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].sources, kLearned);
  EXPECT_EQ(changes[0].expires, clock.t + 300s);
}

TEST_F(TableReplicationTest, PeerEntriesAreNotEchoedAndFeedTheTable) {
  make(table_config());
  ASSERT_EQ(tm->apply_peer(5, ip("10.0.0.7"), true, clock.t + 60s), StoreResult::kOk);
  EXPECT_TRUE(tm->take_local_changes().empty());
  auto e = tm->entry(5, ip("10.0.0.7"));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->sources, kPeer);
  EXPECT_EQ(tm->members(5), std::vector<IpAddr>{ip("10.0.0.7")});
  // The peer's deletion drops it, again without an echo.
  ASSERT_EQ(tm->apply_peer(5, ip("10.0.0.7"), false, {}), StoreResult::kOk);
  EXPECT_FALSE(tm->entry(5, ip("10.0.0.7")).has_value());
  EXPECT_TRUE(tm->take_local_changes().empty());
}

TEST_F(TableReplicationTest, PeerEntryAgesAtItsAbsoluteExpiryWithoutAPublish) {
  make(table_config());
  tm->apply_peer(5, ip("10.0.0.7"), true, clock.t + 3s);
  clock.advance(2s);
  tm->advance();
  EXPECT_TRUE(tm->entry(5, ip("10.0.0.7")).has_value());
  clock.advance(2s);
  tm->advance();
  EXPECT_FALSE(tm->entry(5, ip("10.0.0.7")).has_value());
  EXPECT_TRUE(tm->take_local_changes().empty());
}

TEST_F(TableReplicationTest, AgeingOfOwnEntriesIsNotPublished) {
  make(table_config());
  tm->register_vtep(7, ip("10.0.0.5"), 1, 10, ip("10.0.0.5"));
  tm->take_local_changes();
  clock.advance(11s);
  tm->advance();
  EXPECT_FALSE(tm->entry(7, ip("10.0.0.5")).has_value());
  EXPECT_TRUE(tm->take_local_changes().empty()) << "every node ages the same expiry itself";
}

TEST_F(TableReplicationTest, ExpiredPeerWordRemovesInsteadOfAdding) {
  make(table_config());
  tm->apply_peer(5, ip("10.0.0.7"), true, clock.t - 1s);
  EXPECT_FALSE(tm->entry(5, ip("10.0.0.7")).has_value());
}

TEST_F(TableReplicationTest, PeerDeletionSupersedesOwnSourcesWithoutAnEcho) {
  make(table_config({StaticVni{100, {ip("10.0.0.1")}}}));
  tm->register_vtep(100, ip("10.0.0.1"), 3, 90, ip("10.0.0.1"));
  tm->take_local_changes();
  // The peer's deletion is the latest write: the entry goes, static source included.
  ASSERT_EQ(tm->apply_peer(100, ip("10.0.0.1"), false, {}), StoreResult::kOk);
  EXPECT_FALSE(tm->entry(100, ip("10.0.0.1")).has_value());
  EXPECT_TRUE(tm->take_local_changes().empty()) << "the peers already have the winner";
  auto superseded = tm->take_superseded_static();
  ASSERT_EQ(superseded.size(), 1u) << "the running config must drop it too";
  EXPECT_EQ(superseded[0].first, 100u);
  EXPECT_EQ(superseded[0].second, ip("10.0.0.1"));
  EXPECT_TRUE(tm->take_superseded_static().empty());
}

TEST_F(TableReplicationTest, PeerWriteReplacesOwnSources) {
  make(table_config());
  tm->register_vtep(7, ip("10.0.0.5"), 1, 30, ip("10.0.0.5"));
  tm->take_local_changes();
  tm->apply_peer(7, ip("10.0.0.5"), true, clock.t + 60s);
  auto e = tm->entry(7, ip("10.0.0.5"));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->sources, kPeer);
  EXPECT_EQ(e->peer_expires, clock.t + 60s);
  EXPECT_TRUE(tm->take_local_changes().empty());
}

TEST_F(TableReplicationTest, OwnWriteAfterAPeersDropsThePeerSource) {
  make(table_config());
  tm->apply_peer(7, ip("10.0.0.5"), true, EntryInfo::kNever);
  ASSERT_EQ(tm->register_vtep(7, ip("10.0.0.5"), 1, 30, ip("10.0.0.5")), StoreResult::kOk);
  auto changes = tm->take_local_changes();
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_TRUE(changes[0].held);
  EXPECT_EQ(changes[0].sources, kRegistered);
  // This node's write is now the key's latest: it expires at its own time, not never.
  EXPECT_EQ(tm->entry(7, ip("10.0.0.5"))->sources, kRegistered);
}

TEST_F(TableReplicationTest, UnpublishedOwnChangeLosesToAPeerWriteAppliedFirst) {
  make(table_config());
  tm->register_vtep(7, ip("10.0.0.5"), 1, 30, ip("10.0.0.5"));  // not taken yet
  tm->apply_peer(7, ip("10.0.0.5"), false, {});
  EXPECT_TRUE(tm->take_local_changes().empty())
      << "no tombstone nor value of ours may follow the winner";
  EXPECT_FALSE(tm->entry(7, ip("10.0.0.5")).has_value());
}

TEST_F(TableReplicationTest, RemovingTheStaticSourceOnReloadIsAReplicatedRemoval) {
  make(table_config({StaticVni{100, {ip("10.0.0.1"), ip("10.0.0.2")}}}));
  tm->take_local_changes();
  tm->reconfigure(table_config({StaticVni{100, {ip("10.0.0.2")}}}));
  auto changes = tm->take_local_changes();
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].vtep, ip("10.0.0.1"));
  EXPECT_FALSE(changes[0].held);
}

TEST_F(TableReplicationTest, NothingIsQueuedBeforeReplicationIsEnabled) {
  tm = std::make_unique<TableManager>(table_config(), clock.fn());
  tm->register_vtep(7, ip("10.0.0.5"), 1, 30, ip("10.0.0.5"));
  EXPECT_TRUE(tm->take_local_changes().empty());
}

}  // namespace
}  // namespace vxsn

namespace vxsn {
namespace {

TEST_F(TableReplicationTest, OperatorRemovalOfAPeerEntryIsReplicatedAsADeletion) {
  make(table_config());
  tm->apply_peer(5, ip("10.0.0.7"), true, EntryInfo::kNever);
  tm->remove_peer_entry(5, ip("10.0.0.7"));
  EXPECT_FALSE(tm->entry(5, ip("10.0.0.7")).has_value());
  auto changes = tm->take_local_changes();
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_FALSE(changes[0].held);
  EXPECT_EQ(changes[0].vtep, ip("10.0.0.7"));
}

}  // namespace
}  // namespace vxsn

namespace vxsn {
namespace {

// Two nodes started 400 ms apart age a replicated entry on the same wall-clock tick.
TEST_F(TableReplicationTest, AlignedTicksExpireAtTheSameWallClockInstant) {
  make(table_config());  // ageing interval 1000 ms
  const auto t0 = clock.t;
  // Wall clock 12'345'600 ms now: the next tick boundaries are at ...346'000, ...347'000.
  tm->align_ticks_to_wall_clock(12'345'600);
  tm->apply_peer(5, ip("10.0.0.7"), true, t0 + 10s);  // expires at wall 12'355'600
  clock.t = t0 + 10'399ms;                            // wall 12'355'999
  tm->advance();
  EXPECT_TRUE(tm->entry(5, ip("10.0.0.7")).has_value()) << "before the wall-clock tick";
  clock.t = t0 + 10'400ms;  // wall 12'356'000: a multiple of the interval
  tm->advance();
  EXPECT_FALSE(tm->entry(5, ip("10.0.0.7")).has_value());
}

}  // namespace
}  // namespace vxsn
