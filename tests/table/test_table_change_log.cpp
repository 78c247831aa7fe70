// TableChangeLog alone: VNI changes coalesce into one VniChange per VNI built from the
// store when taken (a VNI that left: present=false); local changes are recorded only while
// replicating and not quiet, one per entry; the wake-up callback fires once per batch.
#include "host/table/table_change_log.hpp"

#include <gtest/gtest.h>

#include "tests/table/table_test_support.hpp"

namespace vxsn {
namespace {

using namespace std::chrono_literals;
using test::ip;

const TableTimePoint kStart = test::kPartsStart;

class TableChangeLogTest : public ::testing::Test {
 protected:
  StoredEntry& add(uint32_t vni, const char* addr, EntrySource s) {
    return test::hold(store, vni, addr, s);
  }

  TableEntryStore store;
  TableChangeLog log;
};

TEST_F(TableChangeLogTest, SeveralChangesOfOneVniCoalesceIntoOneVniChange) {
  add(100, "10.0.0.2", EntrySource::kRegistered);
  log.mark_vni(100);
  add(100, "10.0.0.1", EntrySource::kLearned);
  log.mark_vni(100);
  log.mark_vni(100);
  const std::vector<VniChange> changes = log.take_changes(store);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].vni, 100u);
  EXPECT_TRUE(changes[0].present);
  // The store's state when taken, sorted by address, with the learned flag.
  EXPECT_EQ(changes[0].members,
            (std::vector<TableMember>{{ip("10.0.0.1"), true}, {ip("10.0.0.2"), false}}));
  EXPECT_TRUE(log.take_changes(store).empty());
  EXPECT_EQ(log.batches(), 1u);  // an empty take is no batch
}

TEST_F(TableChangeLogTest, AVniThatLeftIsReportedAsNotPresent) {
  StoredEntry& e = add(100, "10.0.0.1", EntrySource::kRegistered);
  add(200, "10.0.0.1", EntrySource::kRegistered);
  log.mark_vni(200);
  log.mark_vni(100);
  store.clear_source(100, ip("10.0.0.1"), e, EntrySource::kRegistered);
  ASSERT_TRUE(store.remove_if_unheld(100, ip("10.0.0.1")));
  log.mark_vni(100);
  const std::vector<VniChange> changes = log.take_changes(store);
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].vni, 100u);  // sorted by VNI
  EXPECT_FALSE(changes[0].present);
  EXPECT_TRUE(changes[0].members.empty());
  EXPECT_EQ(changes[1].vni, 200u);
  EXPECT_TRUE(changes[1].present);
}

TEST_F(TableChangeLogTest, TheCallbackWakesOnTheFirstChangeOfEachBatch) {
  int calls = 0;
  log.set_callback([&] { ++calls; });
  log.mark_vni(100);
  log.mark_vni(200);
  EXPECT_EQ(calls, 1);
  log.take_changes(store);
  log.mark_vni(100);
  EXPECT_EQ(calls, 2);
  log.start_replication();
  log.mark_local(100, ip("10.0.0.1"));  // the first local change: a wake-up of its own
  log.mark_local(100, ip("10.0.0.2"));
  EXPECT_EQ(calls, 3);
}

TEST_F(TableChangeLogTest, LocalChangesAreRecordedOnlyWhileReplicatingAndNotQuiet) {
  add(100, "10.0.0.1", EntrySource::kLearned);
  log.mark_local(100, ip("10.0.0.1"));  // before replication: nobody to tell
  EXPECT_TRUE(log.take_local_changes(store).empty());
  log.start_replication();
  {
    const TableChangeLog::Quiet quiet(log);  // ageing, a peer's write
    log.mark_local(100, ip("10.0.0.1"));
  }
  EXPECT_TRUE(log.take_local_changes(store).empty());
  log.mark_local(100, ip("10.0.0.1"));
  log.mark_local(100, ip("10.0.0.1"));
  EXPECT_EQ(log.take_local_changes(store).size(), 1u);  // one record per entry
  log.mark_local(100, ip("10.0.0.1"));
  log.forget_local(100, ip("10.0.0.1"));  // superseded by a peer's newer write
  EXPECT_TRUE(log.take_local_changes(store).empty());
}

TEST_F(TableChangeLogTest, ALocalChangeSaysWhatTheOwnSourcesHoldNow) {
  log.start_replication();
  StoredEntry& e = add(100, "10.0.0.1", EntrySource::kRegistered);
  e.registrations = {{7, kStart + 90s}, {8, kStart + 30s}};
  add(100, "10.0.0.1", EntrySource::kLearned).learned_expires = kStart + 60s;
  add(100, "10.0.0.1", EntrySource::kPeer).peer_expires = kStart + 500s;
  add(100, "10.0.0.2", EntrySource::kStatic);
  add(100, "10.0.0.3", EntrySource::kPeer);
  for (const char* a : {"10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4"}) log.mark_local(100, ip(a));
  std::vector<LocalEntryChange> out = log.take_local_changes(store);
  std::sort(out.begin(), out.end(),
            [](const LocalEntryChange& a, const LocalEntryChange& b) { return a.vtep < b.vtep; });
  ASSERT_EQ(out.size(), 4u);
  EXPECT_TRUE(out[0].held);
  EXPECT_EQ(out[0].sources, test::kRegistered | test::kLearned);  // never the peer bit
  EXPECT_EQ(out[0].identifier, 7u);                               // the first registration's
  EXPECT_EQ(out[0].expires, kStart + 90s);                        // the latest own expiry
  EXPECT_TRUE(out[1].held);
  EXPECT_EQ(out[1].expires, kNeverExpires);  // static
  EXPECT_FALSE(out[2].held);                 // a peer's entry only
  EXPECT_FALSE(out[3].held);                 // gone
}

TEST_F(TableChangeLogTest, SupersededStaticEntriesAreTakenOnce) {
  log.record_superseded_static(100, ip("10.0.0.1"));
  const auto taken = log.take_superseded_static();
  ASSERT_EQ(taken.size(), 1u);
  EXPECT_EQ(taken[0], (std::pair<uint32_t, IpAddr>{100, ip("10.0.0.1")}));
  EXPECT_TRUE(log.take_superseded_static().empty());
}

// A large VNI's list is kept sorted between takes and a change of a few members is applied
// to it: what is taken equals the store described whole, after adds, removals, learned
// flags changed both ways, a member removed and added back, and a batch large enough to be
// described whole again.
TEST_F(TableChangeLogTest, ALargeVniChangedByFewMembersIsTakenAsTheStoreDescribesIt) {
  const uint32_t vni = 300;
  auto addr = [](unsigned i) {
    return "10.3." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1);
  };
  for (unsigned i = 0; i < 2000; i += 2) add(vni, addr(i).c_str(), EntrySource::kRegistered);
  log.mark_vni(vni);
  EXPECT_EQ(log.take_changes(store).at(0).members, describe_vni(store, vni).members);
  auto take_and_compare = [&](const char* step) {
    const std::vector<VniChange> changes = log.take_changes(store);
    ASSERT_EQ(changes.size(), 1u) << step;
    EXPECT_TRUE(changes[0].present) << step;
    EXPECT_EQ(changes[0].members, describe_vni(store, vni).members) << step;
  };
  add(vni, addr(1).c_str(), EntrySource::kRegistered);  // added
  log.mark_member(vni, ip(addr(1).c_str()));
  add(vni, addr(1999).c_str(), EntrySource::kLearned);  // added last, learned
  log.mark_member(vni, ip(addr(1999).c_str()));
  take_and_compare("added");
  StoredEntry& learned = add(vni, addr(500).c_str(), EntrySource::kLearned);  // now learned
  log.mark_member(vni, ip(addr(500).c_str()));
  take_and_compare("learned");
  store.clear_source(vni, ip(addr(500).c_str()), learned, EntrySource::kLearned);
  log.mark_member(vni, ip(addr(500).c_str()));  // no longer learned
  take_and_compare("not learned");
  for (unsigned i : {0u, 1u, 1998u}) {  // removed: the first, an added one, the last
    StoredEntry* e = store.find(vni, ip(addr(i).c_str()));
    ASSERT_NE(e, nullptr);
    store.clear_source(vni, ip(addr(i).c_str()), *e, EntrySource::kRegistered);
    ASSERT_TRUE(store.remove_if_unheld(vni, ip(addr(i).c_str())));
    log.mark_member(vni, ip(addr(i).c_str()));
  }
  take_and_compare("removed");
  add(vni, addr(0).c_str(), EntrySource::kRegistered);  // back again
  log.mark_member(vni, ip(addr(0).c_str()));
  log.mark_member(vni, ip(addr(0).c_str()));  // marked twice
  take_and_compare("back");
  for (unsigned i = 3; i < 600; i += 2) {  // more members than are applied one by one
    add(vni, addr(i).c_str(), EntrySource::kRegistered);
    log.mark_member(vni, ip(addr(i).c_str()));
  }
  take_and_compare("many");
  add(vni, addr(601).c_str(), EntrySource::kRegistered);
  log.mark_member(vni, ip(addr(601).c_str()));
  take_and_compare("after many");
}

}  // namespace
}  // namespace vxsn
