// TableAdmission alone: each refusal reason, decided at its entry point and counted under
// its own reason; the non-counting decisions used by reload and restore.
#include "host/table/table_admission.hpp"

#include <gtest/gtest.h>

#include "tests/table/table_test_support.hpp"

namespace vxsn {
namespace {

using namespace std::chrono_literals;
using test::ip;

const TableTimePoint kStart = test::kPartsStart;

// Every reason's count, for checking that one refusal moved its own count only.
std::vector<uint64_t> all_counts(const TableAdmission& a) {
  std::vector<uint64_t> out;
  for (size_t r = 0; r < static_cast<size_t>(TableRefusal::kCount); ++r)
    out.push_back(a.refusals(static_cast<TableRefusal>(r)));
  return out;
}

// `r`'s count went up by one and no other count moved since `before`.
void expect_counted_once(const TableAdmission& a, const std::vector<uint64_t>& before,
                         TableRefusal r) {
  std::vector<uint64_t> want = before;
  ++want[static_cast<size_t>(r)];
  EXPECT_EQ(all_counts(a), want) << "reason " << static_cast<int>(r);
}

class TableAdmissionTest : public ::testing::Test {
 protected:
  TableAdmission make(const Config& c) {
    TableAdmission a(kStart);
    a.set_policy(c);
    return a;
  }
  // An entry with one source in `vni` (the store's own steps, as the table takes them).
  StoredEntry& add(uint32_t vni, const char* addr) {
    return test::hold(store, vni, addr, EntrySource::kRegistered);
  }
  TableEntryStore store;
};

TEST_F(TableAdmissionTest, AnInvalidKeyIsRefusedAsInvalid) {
  TableAdmission a = make(test::table_config());
  auto before = all_counts(a);
  EXPECT_EQ(a.admit_registration(1u << 24, ip("10.0.0.1"), ip("10.0.0.1"), kStart),
            TableRefusal::kInvalid);
  expect_counted_once(a, before, TableRefusal::kInvalid);
  before = all_counts(a);
  EXPECT_EQ(a.admit_learn(store, 100, IpAddr{}), TableRefusal::kInvalid);
  expect_counted_once(a, before, TableRefusal::kInvalid);
  before = all_counts(a);
  EXPECT_FALSE(a.admit_key(100, IpAddr{}, "peer update"));
  expect_counted_once(a, before, TableRefusal::kInvalid);
  EXPECT_TRUE(a.admit_key(100, ip("fd00::1"), "peer update"));
}

TEST_F(TableAdmissionTest, TheAllowListRefusesTheVtepAndTheRequesterAsNotAllowed) {
  Config c = test::table_config();
  c.allow.push_back(AllowRule{VniRange{100, 100}, {*IpPrefix::parse("10.0.0.0/24")}});
  TableAdmission a = make(c);
  auto before = all_counts(a);
  EXPECT_EQ(a.admit_registration(100, ip("10.9.0.1"), ip("10.0.0.1"), kStart),
            TableRefusal::kNotAllowed);
  expect_counted_once(a, before, TableRefusal::kNotAllowed);
  before = all_counts(a);
  EXPECT_EQ(a.admit_registration(100, ip("10.0.0.1"), ip("10.9.0.1"), kStart),
            TableRefusal::kNotAllowed);
  expect_counted_once(a, before, TableRefusal::kNotAllowed);
  before = all_counts(a);
  EXPECT_FALSE(a.admit_member(100, ip("10.9.0.1"), "peer update"));
  expect_counted_once(a, before, TableRefusal::kNotAllowed);
  EXPECT_EQ(a.admit_registration(100, ip("10.0.0.1"), ip("10.0.0.2"), kStart), std::nullopt);
}

TEST_F(TableAdmissionTest, ARequesterOverItsRateIsRefusedAsRate) {
  Config c = test::table_config();
  c.table.registration_rate = 1;
  c.table.registration_burst = 2;
  TableAdmission a = make(c);
  const IpAddr from = ip("10.0.0.9");
  EXPECT_EQ(a.admit_registration(100, ip("10.0.0.1"), from, kStart), std::nullopt);
  EXPECT_EQ(a.admit_registration(100, ip("10.0.0.2"), from, kStart), std::nullopt);
  const auto before = all_counts(a);
  EXPECT_EQ(a.admit_registration(100, ip("10.0.0.3"), from, kStart), TableRefusal::kRate);
  expect_counted_once(a, before, TableRefusal::kRate);
  // Another requester has its own bucket; one second later this one has a token again.
  EXPECT_EQ(a.admit_registration(100, ip("10.0.0.3"), ip("10.0.0.8"), kStart), std::nullopt);
  EXPECT_EQ(a.admit_registration(100, ip("10.0.0.3"), from, kStart + 1s), std::nullopt);
}

TEST_F(TableAdmissionTest, LearningOffAndAnUnknownVniRefuseALearnEventByTheirOwnReason) {
  Config c = test::table_config();
  c.learning.push_back(LearningRule{VniRange{200, 200}, false});
  TableAdmission a = make(c);
  add(100, "10.0.0.1");
  add(200, "10.0.0.1");
  auto before = all_counts(a);
  EXPECT_EQ(a.admit_learn(store, 200, ip("10.0.0.2")), TableRefusal::kLearningOff);
  expect_counted_once(a, before, TableRefusal::kLearningOff);
  before = all_counts(a);
  EXPECT_EQ(a.admit_learn(store, 300, ip("10.0.0.2")), TableRefusal::kUnknownVni);
  expect_counted_once(a, before, TableRefusal::kUnknownVni);
  before = all_counts(a);
  EXPECT_EQ(a.admit_learn(store, 100, ip("10.0.0.2")), std::nullopt);
  EXPECT_EQ(all_counts(a), before);
}

TEST_F(TableAdmissionTest, RoomForAnEntryNamesTheFirstLimitReached) {
  Config c = test::table_config();
  c.table.max_vnis = 2;
  c.table.max_members_per_vni = 2;
  c.table.max_entries = 3;
  TableAdmission a = make(c);
  add(100, "10.0.0.1");
  EXPECT_EQ(a.room_for_entry(store, store.find_vni(100)), std::nullopt);
  add(100, "10.0.0.2");
  EXPECT_EQ(a.room_for_entry(store, store.find_vni(100)), TableRefusal::kMemberLimit);
  EXPECT_EQ(a.room_for_entry(store, nullptr), std::nullopt);  // a second VNI fits
  add(200, "10.0.0.1");
  EXPECT_EQ(a.room_for_entry(store, nullptr), TableRefusal::kVniLimit);
  EXPECT_EQ(a.room_for_entry(store, store.find_vni(200)), TableRefusal::kEntryLimit);
  // Deciding counts nothing; the table counts under the entry point's name.
  EXPECT_EQ(all_counts(a), std::vector<uint64_t>(static_cast<size_t>(TableRefusal::kCount)));
  for (TableRefusal r :
       {TableRefusal::kMemberLimit, TableRefusal::kVniLimit, TableRefusal::kEntryLimit}) {
    const auto before = all_counts(a);
    a.count(r, 100, ip("10.0.0.3"), "registration");
    expect_counted_once(a, before, r);
  }
}

TEST_F(TableAdmissionTest, AStaticVniBeyondTheVniLimitIsRefusedAsVniLimit) {
  Config c = test::table_config();
  c.table.max_vnis = 1;
  TableAdmission a = make(c);
  EXPECT_EQ(a.admit_static_vni(store, 100), std::nullopt);
  add(100, "10.0.0.1");
  EXPECT_EQ(a.admit_static_vni(store, 100), std::nullopt);  // an existing VNI always fits
  auto before = all_counts(a);
  EXPECT_EQ(a.admit_static_vni(store, 200), TableRefusal::kVniLimit);
  expect_counted_once(a, before, TableRefusal::kVniLimit);
  before = all_counts(a);
  EXPECT_EQ(a.admit_static_vni(store, 1u << 24), TableRefusal::kInvalid);
  expect_counted_once(a, before, TableRefusal::kInvalid);
}

TEST_F(TableAdmissionTest, AnEntryKeepsABoundedNumberOfRegistrations) {
  TableAdmission a = make(test::table_config());
  StoredEntry& e = add(100, "10.0.0.1");
  for (uint64_t id = 1; id <= TableAdmission::kMaxRegistrationsPerEntry; ++id) {
    ASSERT_TRUE(a.admit_registration_on(e, id));
    e.registrations.push_back({id, kStart + 90s});
  }
  const auto before = all_counts(a);
  EXPECT_FALSE(a.admit_registration_on(e, 999));
  expect_counted_once(a, before, TableRefusal::kRegistrationsPerEntry);
  EXPECT_TRUE(a.admit_registration_on(e, 3));  // a refresh of a known identifier fits
  EXPECT_FALSE(a.registration_fits(e, 999));
}

TEST_F(TableAdmissionTest, ASavedSourceIsJudgedLikeANewOneWithoutCounting) {
  Config c = test::table_config();
  c.allow.push_back(AllowRule{VniRange{100, 300}, {*IpPrefix::parse("10.0.0.0/24")}});
  c.learning.push_back(LearningRule{VniRange{200, 200}, false});
  TableAdmission a = make(c);
  add(100, "10.0.0.1");
  add(200, "10.0.0.1");
  EXPECT_TRUE(a.accepts_saved(store, 100, ip("10.0.0.2"), /*learned=*/true));
  EXPECT_TRUE(a.accepts_saved(store, 300, ip("10.0.0.2"), /*learned=*/false));
  EXPECT_FALSE(a.accepts_saved(store, 300, ip("10.0.0.2"), /*learned=*/true));   // unknown VNI
  EXPECT_FALSE(a.accepts_saved(store, 200, ip("10.0.0.2"), /*learned=*/true));   // learning off
  EXPECT_FALSE(a.accepts_saved(store, 100, ip("10.9.0.2"), /*learned=*/false));  // allow-list
  EXPECT_FALSE(a.accepts_saved(store, 1u << 24, ip("10.0.0.2"), /*learned=*/false));
  EXPECT_EQ(all_counts(a), std::vector<uint64_t>(static_cast<size_t>(TableRefusal::kCount)));
}

}  // namespace
}  // namespace vxsn
