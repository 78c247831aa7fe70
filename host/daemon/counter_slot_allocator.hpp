// The card's per-VNI counter slots (card::kMaxVniCounterSlots of them): a VNI keeps its slot
// for as long as it stays in the tables the card loads, so its counters survive every table
// flip; once a loaded table no longer has it, the slot is free for another VNI. However many
// VNIs come and go, at most card::kMaxVniCounterSlots slots are live.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

namespace vxsn {

class CounterSlotAllocator {
 public:
  // The slot `vni` holds, else a free one, else card::kNoCounterSlot: the VNI is replicated
  // but not counted per VNI, and asks again with the next table.
  uint16_t slot_of(uint32_t vni);
  // The slot `vni` holds, if any (no slot is handed out).
  std::optional<uint16_t> held_by(uint32_t vni) const;
  // Call once the card's active table holds exactly `live` (ascending): every other VNI
  // gives its slot back. A slot freed here is not named by the active table, so nothing
  // counts into it until a later table gives it to another VNI.
  void retain_only(std::span<const uint32_t> live);
  size_t live_slots() const;

 private:
  mutable std::mutex mutex_;
  std::unordered_map<uint32_t, uint16_t> slots_;
  std::vector<uint16_t> free_;  // given back, reused first
  uint16_t never_used_ = 0;     // slots from here on were never handed out
};

}  // namespace vxsn
