#include "host/datapath/vni_counter_registry.hpp"

#include <algorithm>

namespace vxsn {

VniCounters* VniCounterRegistry::get_or_create(uint32_t vni) {
  std::lock_guard lock(mutex_);
  auto& slot = by_vni_[vni];
  if (!slot) slot = std::make_unique<VniCounters>();
  return slot.get();
}

const VniCounters* VniCounterRegistry::find(uint32_t vni) const {
  std::lock_guard lock(mutex_);
  auto it = by_vni_.find(vni);
  return it == by_vni_.end() ? nullptr : it->second.get();
}

std::vector<std::pair<uint32_t, const VniCounters*>> VniCounterRegistry::list() const {
  std::vector<std::pair<uint32_t, const VniCounters*>> all;
  {
    std::lock_guard lock(mutex_);
    all.reserve(by_vni_.size());
    for (const auto& [vni, counters] : by_vni_) all.emplace_back(vni, counters.get());
  }
  std::sort(all.begin(), all.end());
  return all;
}

}  // namespace vxsn
