#include "host/daemon/card_counter_slots.hpp"

#include <algorithm>

#include "driver/card/card_admission.hpp"
#include "hls/counter_layout.hpp"
#include "hls/table_layout.hpp"
#include "host/daemon/card_table_spec.hpp"
#include "host/datapath/counter_reclaim.hpp"

namespace vxsn {
namespace {

// A counter below its zero (never expected: the block only grows) reads as zero.
uint64_t since(uint64_t now, uint64_t zero) {
  return now >= zero ? now - zero : 0;
}

}  // namespace

CardCounterSlots::CardCounterSlots(Card& card) : card_(card), zero_(card::kMaxVniCounterSlots) {}

uint16_t CardCounterSlots::slot_of(uint32_t vni) {
  if (auto held = slots_.held_by(vni)) return *held;
  const uint16_t slot = slots_.slot_of(vni);
  // No table the card runs names this slot now (it was free), so it holds still.
  if (slot < zero_.size()) zero_[slot] = card_.read_counter_slot(slot);
  return slot;
}

bool CardCounterSlots::holds(uint32_t vni) const {
  return slots_.held_by(vni).has_value();
}

void CardCounterSlots::loaded(std::span<const uint32_t> live) {
  slots_.retain_only(live);
}

std::vector<std::pair<uint32_t, VniCountersSnapshot>> CardCounterSlots::vni_counters(
    const CardCounters& c) const {
  std::vector<std::pair<uint32_t, VniCountersSnapshot>> out;
  out.reserve(c.vnis.size());
  for (const CardVniCounters& v : c.vnis) {
    const CardSlotCounters zero =
        v.counter_slot < zero_.size() ? zero_[v.counter_slot] : CardSlotCounters{};
    out.emplace_back(v.vni, VniCountersSnapshot{since(v.frames_in, zero.frames_in),
                                                since(v.bytes_in, zero.bytes_in),
                                                since(v.copies_out, zero.copies_out),
                                                since(v.bytes_out, zero.bytes_out),
                                                since(v.source_not_member, zero.source_not_member),
                                                since(v.storm_policed, zero.storm_policed)});
  }
  return out;
}

CardLeftOut load_counted_table(Card& card, CardCounterSlots& slots, const FloodTable& table,
                               uint64_t version) {
  CardAdmission admitted = admit_to_card(card_table_spec(table, nullptr),
                                         [&](uint32_t vni) { return slots.holds(vni); });
  CardTableSpec& spec = admitted.table;
  spec.version = version;
  std::vector<uint32_t> live;
  live.reserve(spec.vnis.size());
  for (CardVniSpec& v : spec.vnis) {
    v.counter_slot = slots.slot_of(v.vni);
    live.push_back(v.vni);
  }
  card.load_table(serialise_bank(spec));
  std::sort(live.begin(), live.end());
  slots.loaded(live);
  return admitted.left_out;
}

}  // namespace vxsn
