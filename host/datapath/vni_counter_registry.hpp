// Hands out one VniCounters per VNI at a stable address. Owned by the control side and called
// only while building a flood table (never per packet); counters are never freed while the
// registry lives, so a packet holding an old table snapshot can still count into them.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

#include "host/datapath/counters.hpp"

namespace vxsn {

class VniCounterRegistry {
 public:
  // The counters of `vni`, created on first use. The pointer stays valid for the registry's life.
  VniCounters* get_or_create(uint32_t vni);
  // nullptr if `vni` was never requested.
  const VniCounters* find(uint32_t vni) const;
  // Every (vni, counters) pair, sorted by VNI.
  std::vector<std::pair<uint32_t, const VniCounters*>> list() const;

 private:
  mutable std::mutex mutex_;
  std::unordered_map<uint32_t, std::unique_ptr<VniCounters>> by_vni_;
};

}  // namespace vxsn
