#include "host/datapath/vni_counter_registry.hpp"

#include <algorithm>

namespace vxsn {

VniCounters* VniCounterRegistry::get_or_create(uint32_t vni) {
  std::lock_guard lock(mutex_);
  auto& slot = by_vni_[vni];
  if (!slot) slot = std::make_unique<VniCounters>(lanes_);
  return slot.get();
}

const VniCounters* VniCounterRegistry::find(uint32_t vni) const {
  std::lock_guard lock(mutex_);
  auto it = by_vni_.find(vni);
  return it == by_vni_.end() ? nullptr : it->second.get();
}

std::vector<std::pair<uint32_t, VniCountersSnapshot>> VniCounterRegistry::snapshots() const {
  std::vector<std::pair<uint32_t, VniCountersSnapshot>> all;
  {
    // Read under the lock: a retain_only() on another thread may free counters.
    std::lock_guard lock(mutex_);
    all.reserve(by_vni_.size());
    for (const auto& [vni, counters] : by_vni_) all.emplace_back(vni, counters->snapshot());
  }
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return all;
}

void VniCounterRegistry::retain_only(std::span<const uint32_t> live) {
  std::lock_guard lock(mutex_);
  std::erase_if(by_vni_, [&](const auto& kv) {
    return !std::binary_search(live.begin(), live.end(), kv.first);
  });
}

size_t VniCounterRegistry::size() const {
  std::lock_guard lock(mutex_);
  return by_vni_.size();
}

}  // namespace vxsn
