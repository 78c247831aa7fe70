// Converts a reference FloodTable into one bank of the card's table layout
// (hls/table_layout.hpp). Lives here until the driver exists; it belongs in driver/ then
// (the Card's load_tables), unchanged.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "host/datapath/flood_table.hpp"

namespace vxsn::csim {

// The per-VNI counter slot of a VNI entry (card::kNoCounterSlot: not counted). The host
// keeps a VNI's slot stable across tables so counters survive a flip.
using CounterSlotOf = std::function<uint16_t(const VniEntry&)>;

// card::kBankBytes bytes. Throws std::invalid_argument when the table exceeds the card's
// capacities (VNIs, members, members per VNI, counter slots) or no probe bound fits.
std::vector<uint8_t> serialize_bank(const FloodTable& table, const CounterSlotOf& slot_of);

}  // namespace vxsn::csim
