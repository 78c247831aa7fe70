// Capacity admission (driver/card/card_admission.hpp): a table past the card's capacity is
// loaded without what does not fit, counted by reason; the VNIs the card carries stay; and a
// card that is full keeps taking every later table (issue 11: never a frozen table).
#include <gtest/gtest.h>

#include <numeric>

#include "driver/card/card_admission.hpp"
#include "hls/table_layout.hpp"
#include "host/daemon/card_counter_slots.hpp"
#include "tests/card/emu_card_fixtures.hpp"

namespace vxsn::cardtest {
namespace {

CardVniSpec vni_spec(uint32_t vni, size_t members) {
  CardVniSpec v;
  v.vni = vni;
  v.members.resize(members);
  for (size_t i = 0; i < members; ++i)
    v.members[i].addr = csim::vtep_v4(static_cast<unsigned>(i + 1));
  return v;
}

bool has_vni(const CardTableSpec& t, uint32_t vni) {
  for (const CardVniSpec& v : t.vnis)
    if (v.vni == vni) return true;
  return false;
}

TEST(CardAdmission, AWholeTableThatFitsIsTakenAsIs) {
  CardTableSpec t;
  for (uint32_t i = 1; i <= 100; ++i) t.vnis.push_back(vni_spec(i, 3));
  const CardAdmission a = admit_to_card(t, nullptr);
  EXPECT_FALSE(a.left_out.any());
  EXPECT_EQ(a.table.vnis.size(), 100u);
}

TEST(CardAdmission, ResidentVnisStayWhenNewcomersOverflowTheVniTable) {
  // 2100 VNIs; the card carries the last 100 in table order: they must stay, and 52 of the
  // others are left out for lack of a VNI slot.
  CardTableSpec t;
  for (uint32_t i = 1; i <= 2100; ++i) t.vnis.push_back(vni_spec(i, 1));
  const CardAdmission a = admit_to_card(t, [](uint32_t vni) { return vni > 2000; });
  EXPECT_EQ(a.table.vnis.size(), card::kMaxVniSlots / 2);
  EXPECT_EQ(a.left_out.vnis_no_slot, 2100u - card::kMaxVniSlots / 2);
  for (uint32_t vni = 2001; vni <= 2100; ++vni) EXPECT_TRUE(has_vni(a.table, vni)) << vni;
  EXPECT_NO_THROW(serialise_bank(a.table));
}

TEST(CardAdmission, FullMemberArenaLeavesOutWholeVnisAndStillTakesSmallerOnes) {
  // 128 VNIs of 128 members fill the arena exactly; a 129th big one is left out, whole; a
  // later VNI of 0 members still fits.
  CardTableSpec t;
  for (uint32_t i = 1; i <= 129; ++i) t.vnis.push_back(vni_spec(i, card::kMaxMembersPerVni));
  t.vnis.push_back(vni_spec(500, 0));
  const CardAdmission a = admit_to_card(t, nullptr);
  EXPECT_EQ(a.left_out.vnis_no_member_room, 1u);
  EXPECT_FALSE(has_vni(a.table, 129));
  EXPECT_TRUE(has_vni(a.table, 500));
  EXPECT_NO_THROW(serialise_bank(a.table));
}

TEST(CardAdmission, MembersPastTheFanOutAreCutInFloodOrder) {
  CardTableSpec t;
  t.vnis.push_back(vni_spec(7, card::kMaxMembersPerVni + 72));
  const CardAdmission a = admit_to_card(t, nullptr);
  EXPECT_EQ(a.left_out.members_over_fanout, 72u);
  ASSERT_EQ(a.table.vnis.size(), 1u);
  ASSERT_EQ(a.table.vnis[0].members.size(), card::kMaxMembersPerVni);
  EXPECT_EQ(a.table.vnis[0].members.back().addr, csim::vtep_v4(card::kMaxMembersPerVni));
}

TEST(CardAdmission, VnisWithStormLimitsPastTheProfileTableAreLeftOut) {
  CardTableSpec t;
  for (uint32_t i = 1; i <= card::kMaxPolicerProfiles; ++i) {  // 256 distinct limits
    CardVniSpec v = vni_spec(i, 2);
    v.storm.frames_per_s = 1000 + i;
    t.vnis.push_back(v);
  }
  CardVniSpec shared = vni_spec(9000, 2);  // a limit already used: shares its profile
  shared.storm.frames_per_s = 1001;
  t.vnis.push_back(shared);
  const CardAdmission a = admit_to_card(t, nullptr);
  EXPECT_EQ(a.left_out.vnis_no_storm_profile, 1u);
  EXPECT_FALSE(has_vni(a.table, card::kMaxPolicerProfiles));
  EXPECT_TRUE(has_vni(a.table, 9000));
  EXPECT_NO_THROW(serialise_bank(a.table));
}

// The daemon's path (load_counted_table) on a real emulated card: learning, registrations
// or a peer push the table past the card, and every later table still loads.
TEST(CardAdmission, AFullCardKeepsLoadingEveryLaterTable) {
  EmuCard card;
  CardCounterSlots slots(card);
  const auto table_with = [](uint32_t vnis, unsigned vni1_vtep, uint64_t version) {
    FloodTableBuilder b;
    b.set_params(csim::replication_params(SourceIpMode::kKeepOriginal, true))
        .set_egress_ports(csim::egress_ports())
        .set_version(version);
    b.add_vni(1, {csim::member(csim::vtep_v4(1)), csim::member(csim::vtep_v4(vni1_vtep))}, nullptr);
    for (uint32_t vni = 2; vni <= vnis; ++vni)
      b.add_vni(vni, {csim::member(csim::vtep_v4(1)), csim::member(csim::vtep_v4(2))}, nullptr);
    return b.build();
  };
  CardLeftOut left = load_counted_table(card, slots, *table_with(2000, 2, 1), 1);
  EXPECT_FALSE(left.any());
  // 100 VNIs more than the card holds: they are left out, the table still loads.
  left = load_counted_table(card, slots, *table_with(2148, 2, 2), 2);
  EXPECT_EQ(left.vnis_no_slot, 100u);
  EXPECT_EQ(card.status().table_version, 2u);
  EXPECT_EQ(card.status().vni_count, card::kMaxVniSlots / 2);
  // A change to a VNI the card carries reaches the card although the table is still too big.
  left = load_counted_table(card, slots, *table_with(2148, 3, 3), 3);
  EXPECT_EQ(left.vnis_no_slot, 100u);
  EXPECT_EQ(card.status().table_version, 3u);
  const auto copies = send(card, frame_from(1, 1));
  ASSERT_EQ(copies.size(), 1u);
  EXPECT_EQ(copies[0].bytes[30], 10) << "copy to the new member 10.1.0.3";
  EXPECT_EQ(copies[0].bytes[33], 3);
  // Every VNI the card carried before the overflow is still on it.
  EXPECT_EQ(send(card, frame_from(1, 2000)).size(), 1u);
}

}  // namespace
}  // namespace vxsn::cardtest
