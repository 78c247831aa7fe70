// TableEntryStore alone: the indexes kept beside the entries (counts by source, distinct
// addresses, identifiers) follow every change, and entries and VNIs go when unheld.
#include "host/table/table_entry_store.hpp"

#include <gtest/gtest.h>

#include "tests/table/table_test_support.hpp"

namespace vxsn {
namespace {

using namespace std::chrono_literals;
using test::ip;

const TableTimePoint kStart = test::kPartsStart;

class TableEntryStoreTest : public ::testing::Test {
 protected:
  StoredEntry& add(uint32_t vni, const char* addr, EntrySource s) {
    return test::hold(store, vni, addr, s);
  }
  void drop(uint32_t vni, const char* addr, EntrySource s) {
    StoredEntry* e = store.find(vni, ip(addr));
    ASSERT_NE(e, nullptr);
    store.clear_source(vni, ip(addr), *e, s);
    store.remove_if_unheld(vni, ip(addr));
  }

  TableEntryStore store;
};

TEST_F(TableEntryStoreTest, CountsBySourceFollowEverySourceChange) {
  add(100, "10.0.0.1", EntrySource::kStatic);
  add(100, "10.0.0.1", EntrySource::kLearned);
  add(100, "10.0.0.1", EntrySource::kLearned);  // already held: counted once
  add(200, "10.0.0.1", EntrySource::kPeer);
  EntriesBySource b = store.by_source();
  EXPECT_EQ(b.static_entries, 1u);
  EXPECT_EQ(b.learned, 1u);
  EXPECT_EQ(b.peer, 1u);
  EXPECT_EQ(b.registered, 0u);
  EXPECT_EQ(store.entry_count(), 2u);
  drop(100, "10.0.0.1", EntrySource::kLearned);
  EXPECT_EQ(store.by_source().learned, 0u);
  EXPECT_EQ(store.entry_count(), 2u);  // still static
}

TEST_F(TableEntryStoreTest, DistinctAddressesAreReportedOnlyWhenTheSetChanges) {
  ASSERT_EQ(store.take_address_changes(), std::vector<IpAddr>{});  // the first call reports
  add(100, "10.0.0.1", EntrySource::kLearned);
  add(200, "10.0.0.1", EntrySource::kLearned);
  EXPECT_EQ(store.take_address_changes(), std::vector<IpAddr>{ip("10.0.0.1")});
  drop(100, "10.0.0.1", EntrySource::kLearned);  // still a member of VNI 200
  EXPECT_EQ(store.take_address_changes(), std::nullopt);
  drop(200, "10.0.0.1", EntrySource::kLearned);
  EXPECT_EQ(store.take_address_changes(), std::vector<IpAddr>{});
}

TEST_F(TableEntryStoreTest, AnUnheldEntryGoesAndItsVniUnlessConfigured) {
  add(100, "10.0.0.1", EntrySource::kLearned);
  EXPECT_FALSE(store.remove_if_unheld(100, ip("10.0.0.1")));  // held
  drop(100, "10.0.0.1", EntrySource::kLearned);
  EXPECT_EQ(store.find(100, ip("10.0.0.1")), nullptr);
  EXPECT_EQ(store.find_vni(100), nullptr);
  store.add_vni(200).configured = true;
  add(200, "10.0.0.1", EntrySource::kLearned);
  drop(200, "10.0.0.1", EntrySource::kLearned);
  ASSERT_NE(store.find_vni(200), nullptr);  // configured: stays, empty
  EXPECT_TRUE(store.unconfigure(200));
  EXPECT_EQ(store.find_vni(200), nullptr);
  EXPECT_FALSE(store.unconfigure(200));
}

TEST_F(TableEntryStoreTest, IdentifiersMoveWithTheirRegistrations) {
  StoredEntry& a = add(100, "10.0.0.1", EntrySource::kRegistered);
  a.registrations = {{7, kStart + 90s}, {8, kStart + 90s}};
  EXPECT_EQ(store.claim_identifier(100, 7, ip("10.0.0.1")), std::nullopt);    // new
  EXPECT_EQ(store.claim_identifier(100, 7, ip("10.0.0.1")), std::nullopt);    // same address
  EXPECT_EQ(store.claim_identifier(100, 7, ip("10.0.0.2")), ip("10.0.0.1"));  // moved
  EXPECT_EQ(store.find_vni(100)->by_identifier.at(7), ip("10.0.0.2"));
  // Removing 10.0.0.1's registration 7 leaves the index, which now names 10.0.0.2.
  store.remove_registration(100, ip("10.0.0.1"), a, 7);
  EXPECT_EQ(a.registrations.size(), 1u);
  EXPECT_EQ(store.find_vni(100)->by_identifier.count(7), 1u);
  store.index_identifier(100, 8, ip("10.0.0.1"));
  store.index_identifier(100, 8, ip("10.0.0.9"));  // already indexed: unchanged
  EXPECT_EQ(store.find_vni(100)->by_identifier.at(8), ip("10.0.0.1"));
  store.clear_source(100, ip("10.0.0.1"), a, EntrySource::kRegistered);
  EXPECT_TRUE(a.registrations.empty());
  EXPECT_EQ(store.find_vni(100)->by_identifier.count(8), 0u);
  EXPECT_EQ(store.by_source().registered, 0u);
}

TEST_F(TableEntryStoreTest, IPv4KeysIgnoreTheUnusedTail) {
  IpAddr dirty = ip("10.0.0.1");
  dirty.bytes[9] = 0xff;
  EXPECT_EQ(normalized_address(dirty), ip("10.0.0.1"));
  IpAddr v6 = ip("fd00::1");
  EXPECT_EQ(normalized_address(v6), v6);
}

}  // namespace
}  // namespace vxsn
