// The host's FloodTable as the card driver's table description (driver/card/
// bank_serializer.hpp). The driver may not see host/ types, so this is the one place that
// knows both; each member's precomputed outer header and partial sums are carried over
// unchanged, which is what makes the card's copies byte-identical to the reference's.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "driver/card/bank_serializer.hpp"
#include "host/daemon/counter_slot_allocator.hpp"
#include "host/datapath/flood_table.hpp"

namespace vxsn {

// The per-VNI counter slot of a VNI entry (card::kNoCounterSlot: not counted).
using CounterSlotOf = std::function<uint16_t(const VniEntry&)>;

CardTableSpec card_table_spec(const FloodTable& table, const CounterSlotOf& slot_of);

// The bank image of `table`: card_table_spec + serialise_bank. Throws
// CardError{kTableTooLarge} when it does not fit the card.
std::vector<uint8_t> card_bank_image(const FloodTable& table, const CounterSlotOf& slot_of);

}  // namespace vxsn
