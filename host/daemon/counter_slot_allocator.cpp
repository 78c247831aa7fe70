#include "host/daemon/counter_slot_allocator.hpp"

#include <algorithm>

#include "hls/counter_layout.hpp"
#include "hls/table_layout.hpp"

namespace vxsn {

uint16_t CounterSlotAllocator::slot_of(uint32_t vni) {
  std::lock_guard lock(mutex_);
  if (auto it = slots_.find(vni); it != slots_.end()) return it->second;
  uint16_t slot;
  if (!free_.empty()) {
    slot = free_.back();
    free_.pop_back();
  } else if (never_used_ < card::kMaxVniCounterSlots) {
    slot = never_used_++;
  } else {
    return card::kNoCounterSlot;  // not remembered: a slot may be free for the next table
  }
  slots_.emplace(vni, slot);
  return slot;
}

std::optional<uint16_t> CounterSlotAllocator::held_by(uint32_t vni) const {
  std::lock_guard lock(mutex_);
  auto it = slots_.find(vni);
  return it == slots_.end() ? std::nullopt : std::optional<uint16_t>(it->second);
}

void CounterSlotAllocator::retain_only(std::span<const uint32_t> live) {
  std::lock_guard lock(mutex_);
  std::erase_if(slots_, [&](const auto& kv) {
    if (std::binary_search(live.begin(), live.end(), kv.first)) return false;
    free_.push_back(kv.second);
    return true;
  });
}

size_t CounterSlotAllocator::live_slots() const {
  std::lock_guard lock(mutex_);
  return slots_.size();
}

}  // namespace vxsn
