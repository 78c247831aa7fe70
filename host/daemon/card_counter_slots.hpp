// The card's per-VNI counters over VNI churn. A VNI takes a counter slot when it enters a
// table loaded into the card and gives it back once a loaded table lacks it
// (CounterSlotAllocator). The card's counter block only grows (the kernel is its one
// writer; the host never writes it), so a slot handed to a VNI is read at that moment and
// what it holds then is the VNI's zero: a new VNI, or the same VNI number back again, never
// inherits the counts of the slot's earlier VNI.
//
// Control thread: the daemon builds, loads and reads on one thread.
#pragma once

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "driver/card/card.hpp"
#include "driver/card/card_admission.hpp"
#include "host/daemon/counter_slot_allocator.hpp"
#include "host/datapath/counters.hpp"
#include "host/datapath/flood_table.hpp"

namespace vxsn {

class CardCounterSlots {
 public:
  explicit CardCounterSlots(Card& card);

  // The slot of `vni` in a table about to be loaded (for card_table_spec). A slot newly
  // handed to the VNI is read from the card now, as the VNI's zero.
  uint16_t slot_of(uint32_t vni);
  // `vni` holds a slot: the card's active table carries it.
  bool holds(uint32_t vni) const;
  // The card's active table holds exactly `live` (ascending) now: the others' slots go free.
  void loaded(std::span<const uint32_t> live);
  // The card's per-VNI counters (from Card::read_counters), each counted from its VNI's zero.
  std::vector<std::pair<uint32_t, VniCountersSnapshot>> vni_counters(const CardCounters& c) const;
  size_t live_slots() const { return slots_.live_slots(); }

 private:
  Card& card_;
  CounterSlotAllocator slots_;
  std::vector<CardSlotCounters> zero_;  // per slot: its value when its VNI got it
};

// What a card-mode daemon does with a new table: the part the card can hold
// (driver/card/card_admission.hpp: the VNIs it carries now first) as a bank image (counter
// slots from `slots`, header version `version`) loaded into `card`, then the slots of VNIs
// it lacks go free. Returns what was left out. Throws CardError (a transfer failed): the
// running table stays.
CardLeftOut load_counted_table(Card& card, CardCounterSlots& slots, const FloodTable& table,
                               uint64_t version);

}  // namespace vxsn
