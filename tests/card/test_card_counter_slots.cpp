// Card counter slots over VNI churn: slots of VNIs gone are reused, never more than the card
// has are live, and a reused slot counts its new VNI from zero (issue 10, bounded state).
#include <gtest/gtest.h>

#include <numeric>

#include "hls/counter_layout.hpp"
#include "hls/table_layout.hpp"
#include "host/daemon/card_counter_slots.hpp"
#include "tests/card/emu_card_fixtures.hpp"

namespace vxsn::cardtest {
namespace {

// Every VNI of `vnis` with VTEPs 1 and 2, counted in `registry`-less tables (the card counts).
std::unique_ptr<FloodTable> table_of(const std::vector<uint32_t>& vnis, uint64_t version) {
  FloodTableBuilder b;
  b.set_params(csim::replication_params(SourceIpMode::kKeepOriginal, true))
      .set_egress_ports(csim::egress_ports())
      .set_version(version);
  for (uint32_t vni : vnis)
    b.add_vni(vni, {csim::member(csim::vtep_v4(1), 0), csim::member(csim::vtep_v4(2), 1)}, nullptr);
  return b.build();
}

std::vector<uint32_t> range(uint32_t first, uint32_t count) {
  std::vector<uint32_t> v(count);
  std::iota(v.begin(), v.end(), first);
  return v;
}

// The host's view of one VNI's card counters; nullopt if the card reports none for it.
std::optional<VniCountersSnapshot> counted(EmuCard& card, const CardCounterSlots& slots,
                                           uint32_t vni) {
  for (const auto& [v, c] : slots.vni_counters(card.read_counters()))
    if (v == vni) return c;
  return std::nullopt;
}

uint16_t card_slot_of(EmuCard& card, uint32_t vni) {
  for (const CardVniCounters& v : card.read_counters().vnis)
    if (v.vni == vni) return v.counter_slot;
  return card::kNoCounterSlot;
}

TEST(CounterSlotAllocator, LiveSlotsNeverExceedTheCardsUnderChurn) {
  CounterSlotAllocator slots;
  constexpr uint32_t kWindow = 1000;  // VNIs live at once
  for (uint32_t first = 1; first < 100'000; first += kWindow) {
    const std::vector<uint32_t> live = range(first, kWindow);
    // The table about to load names the new window and still the previous one.
    for (uint32_t vni : live) ASSERT_NE(slots.slot_of(vni), card::kNoCounterSlot) << vni;
    ASSERT_LE(slots.live_slots(), card::kMaxVniCounterSlots);
    slots.retain_only(live);
    ASSERT_EQ(slots.live_slots(), kWindow);
  }
  slots.retain_only({});
  EXPECT_EQ(slots.live_slots(), 0u);
}

TEST(CounterSlotAllocator, AFreedSlotGoesToTheNextVniAndAVniWithoutOneGetsItLater) {
  CounterSlotAllocator slots;
  const std::vector<uint32_t> full = range(1, card::kMaxVniCounterSlots);
  for (uint32_t vni : full) slots.slot_of(vni);
  EXPECT_EQ(slots.slot_of(999'999), card::kNoCounterSlot);
  EXPECT_FALSE(slots.held_by(999'999).has_value());

  const uint16_t freed = *slots.held_by(7);
  std::vector<uint32_t> without_7 = full;
  std::erase(without_7, 7u);
  slots.retain_only(without_7);
  EXPECT_EQ(slots.live_slots(), card::kMaxVniCounterSlots - 1);
  EXPECT_EQ(slots.slot_of(999'999), freed);
  EXPECT_EQ(slots.slot_of(7), card::kNoCounterSlot);  // all live again
}

TEST(CardCounterSlots, AReusedSlotReadsZeroForItsNewVni) {
  EmuCard card;
  CardCounterSlots slots(card);
  load_counted_table(card, slots, *table_of({100}, 1), 1);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(send(card, frame_from(1, 100)).size(), 1u);
  ASSERT_EQ(counted(card, slots, 100)->frames_in, 3u);
  const uint16_t slot = card_slot_of(card, 100);

  load_counted_table(card, slots, *table_of({}, 2), 2);  // VNI 100 goes
  EXPECT_FALSE(counted(card, slots, 100).has_value());
  EXPECT_EQ(slots.live_slots(), 0u);

  load_counted_table(card, slots, *table_of({200}, 3), 3);
  ASSERT_EQ(card_slot_of(card, 200), slot);  // the same slot, holding VNI 100's counts
  ASSERT_EQ(card.read_counter_slot(slot).frames_in, 3u);
  const VniCountersSnapshot fresh = *counted(card, slots, 200);
  EXPECT_EQ(fresh.frames_in, 0u);
  EXPECT_EQ(fresh.bytes_in, 0u);
  EXPECT_EQ(fresh.copies_out, 0u);
  EXPECT_EQ(fresh.bytes_out, 0u);

  const auto frame = frame_from(2, 200);
  ASSERT_EQ(send(card, frame).size(), 1u);
  const VniCountersSnapshot one = *counted(card, slots, 200);
  EXPECT_EQ(one.frames_in, 1u);
  EXPECT_EQ(one.bytes_in, frame.size());
  EXPECT_EQ(one.copies_out, 1u);
}

TEST(CardCounterSlots, AVniThatComesBackStartsFromZeroAndOneThatStaysKeepsCounting) {
  EmuCard card;
  CardCounterSlots slots(card);
  load_counted_table(card, slots, *table_of({100, 300}, 1), 1);
  send(card, frame_from(1, 100));
  send(card, frame_from(1, 300));
  load_counted_table(card, slots, *table_of({300}, 2), 2);
  load_counted_table(card, slots, *table_of({100, 300}, 3), 3);
  EXPECT_EQ(counted(card, slots, 100)->frames_in, 0u);
  EXPECT_EQ(counted(card, slots, 300)->frames_in, 1u);  // its slot stayed across the flips
}

TEST(CardCounterSlots, AnOverflowingTableKeepsTheResidentVnisSlotAndCounts) {
  EmuCard card;
  CardCounterSlots slots(card);
  load_counted_table(card, slots, *table_of({100}, 1), 1);
  send(card, frame_from(1, 100));
  // Twice the VNIs a bank holds, VNI 100 among them: the card takes what fits, the VNI it
  // already carries first, so VNI 100 keeps its slot and counts on.
  std::vector<uint32_t> many = range(1000, card::kMaxVniSlots);
  many.insert(many.begin(), 100);
  const CardLeftOut left = load_counted_table(card, slots, *table_of(many, 2), 2);
  EXPECT_EQ(left.vnis_no_slot, many.size() - card::kMaxVniSlots / 2);
  EXPECT_EQ(slots.live_slots(), card::kMaxVniSlots / 2);
  send(card, frame_from(1, 100));
  EXPECT_EQ(counted(card, slots, 100)->frames_in, 2u);
}

}  // namespace
}  // namespace vxsn::cardtest
