// A VNI leaves the table when its last entry goes, on every path an entry can go by, unless
// it is configured (a [[vni]], even without members: the operator's intent). Gone means gone
// everywhere: vnis(), vni_count(), and a take_changes() report that the datapath compiles.
#include <gtest/gtest.h>

#include "tests/table/table_test_support.hpp"

namespace vxsn {
namespace {

using namespace std::chrono_literals;
using test::ip;

class VniLifetime : public ::testing::Test {
 protected:
  VniLifetime() { tm_ = std::make_unique<TableManager>(test::table_config(), clock_.fn()); }

  // The VNI is absent, and the last batch of changes said it left.
  void expect_gone(uint32_t vni) {
    EXPECT_EQ(tm_->vni_count(), 0u);
    EXPECT_TRUE(tm_->vnis().empty());
    bool reported = false;
    for (const VniChange& c : tm_->take_changes())
      if (c.vni == vni) reported = !c.present;
    EXPECT_TRUE(reported) << "VNI " << vni << " left without a change saying so";
  }
  void register_forever(uint32_t vni, const char* addr) {
    ASSERT_EQ(tm_->register_vtep(vni, ip(addr), 1, kHoldtimeForever, ip(addr)), StoreResult::kOk);
  }

  test::ManualClock clock_;
  std::unique_ptr<TableManager> tm_;
};

TEST_F(VniLifetime, GoesWhenItsLastRegistrationIsWithdrawn) {
  register_forever(10, "10.0.0.1");
  register_forever(10, "10.0.0.2");
  tm_->register_vtep(10, ip("10.0.0.1"), 1, kHoldtimeWithdraw, ip("10.0.0.1"));
  EXPECT_EQ(tm_->vni_count(), 1u);
  tm_->register_vtep(10, ip("10.0.0.2"), 1, kHoldtimeWithdraw, ip("10.0.0.2"));
  expect_gone(10);
}

TEST_F(VniLifetime, GoesWhenItsLastRegistrationExpires) {
  tm_->register_vtep(10, ip("10.0.0.1"), 1, 5, ip("10.0.0.1"));
  clock_.advance(6s);
  tm_->advance();
  expect_gone(10);
}

TEST_F(VniLifetime, GoesWhenItsLastLearnedMemberExpires) {
  // Learning never creates a VNI: a registration makes it, then leaves it to the learned.
  register_forever(10, "10.0.0.2");
  ASSERT_EQ(tm_->learn(10, ip("10.0.0.1")), LearnOutcome::kLearned);
  tm_->register_vtep(10, ip("10.0.0.2"), 1, kHoldtimeWithdraw, ip("10.0.0.2"));
  EXPECT_EQ(tm_->vni_count(), 1u);
  clock_.advance(std::chrono::seconds(tm_->settings().learn_holdtime_s + 1));
  tm_->advance();
  expect_gone(10);
}

TEST_F(VniLifetime, GoesWhenLearnedMembersAreFlushed) {
  register_forever(10, "10.0.0.2");
  ASSERT_EQ(tm_->learn(10, ip("10.0.0.1")), LearnOutcome::kLearned);
  tm_->register_vtep(10, ip("10.0.0.2"), 1, kHoldtimeWithdraw, ip("10.0.0.2"));
  Config off = test::table_config();
  off.learning.push_back(LearningRule{VniRange{10, 10}, false});
  tm_->reconfigure(off);  // how the API's flush-learned drops them
  expect_gone(10);
}

TEST_F(VniLifetime, GoesWhenAPeerDeletesOrLetsExpireItsLastEntry) {
  const auto later = clock_.t + 30s;
  tm_->apply_peer(10, ip("10.0.0.1"), true, later);
  tm_->apply_peer(10, ip("10.0.0.1"), false, later);
  expect_gone(10);

  tm_->apply_peer(20, ip("10.0.0.2"), true, clock_.t + 5s);
  clock_.advance(6s);
  tm_->advance();
  expect_gone(20);
}

TEST_F(VniLifetime, GoesWhenTheOperatorRemovesAPeersEntry) {
  tm_->apply_peer(10, ip("10.0.0.1"), true, EntryInfo::kNever);
  tm_->remove_peer_entry(10, ip("10.0.0.1"));
  expect_gone(10);
}

TEST_F(VniLifetime, GoesWhenAPeersWriteSupersedesTheLastLocalEntryAndIsThenDeleted) {
  register_forever(10, "10.0.0.1");
  tm_->apply_peer(10, ip("10.0.0.1"), true, EntryInfo::kNever);
  tm_->apply_peer(10, ip("10.0.0.1"), false, EntryInfo::kNever);
  expect_gone(10);
}

TEST_F(VniLifetime, GoesWhenAReloadRefusesItsLastMember) {
  register_forever(10, "10.0.0.1");
  Config strict = test::table_config();
  strict.table.allow_unlisted_vnis = false;
  tm_->reconfigure(strict);
  expect_gone(10);
}

TEST_F(VniLifetime, AnUnconfiguredVniGoesWithItsStaticMembers) {
  tm_->reconfigure(test::table_config({StaticVni{10, {ip("10.0.0.1")}}}));
  ASSERT_EQ(tm_->vni_count(), 1u);
  tm_->take_changes();
  tm_->reconfigure(test::table_config());
  expect_gone(10);
}

TEST_F(VniLifetime, AConfiguredVniStaysWithoutMembers) {
  tm_->reconfigure(test::table_config({StaticVni{10, {ip("10.0.0.1")}}}));
  register_forever(10, "10.0.0.2");
  // The static member leaves the file but the [[vni]] stays; the registration goes too.
  tm_->reconfigure(test::table_config({StaticVni{10, {}}}));
  tm_->register_vtep(10, ip("10.0.0.2"), 1, kHoldtimeWithdraw, ip("10.0.0.2"));
  EXPECT_EQ(tm_->vnis(), std::vector<uint32_t>{10});
  EXPECT_TRUE(tm_->members(10).empty());
  tm_->take_changes();
  // Unconfigured with no member left: gone.
  tm_->reconfigure(test::table_config());
  expect_gone(10);
}

TEST_F(VniLifetime, AnUnconfiguredVniWithOtherSourcesStaysUntilTheyGo) {
  tm_->reconfigure(test::table_config({StaticVni{10, {}}}));
  register_forever(10, "10.0.0.1");
  tm_->reconfigure(test::table_config());
  EXPECT_EQ(tm_->vni_count(), 1u);
  tm_->register_vtep(10, ip("10.0.0.1"), 1, kHoldtimeWithdraw, ip("10.0.0.1"));
  expect_gone(10);
}

}  // namespace
}  // namespace vxsn
