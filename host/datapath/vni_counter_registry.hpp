// Hands out one VniCounters per VNI at a stable address. Owned by the control side and called
// only while building and publishing flood tables (never per packet). A VNI's counters live
// until a table without the VNI has been published (retain_only): a packet holding an older
// snapshot may count into them until then. A VNI that comes back gets new counters, from zero.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <unordered_map>
#include <utility>
#include <vector>

#include "host/datapath/counters.hpp"

namespace vxsn {

class VniCounterRegistry {
 public:
  // Before the first get_or_create: counters get a traffic shard per datapath lane
  // (VniCounters); 1 until set.
  void set_lanes(unsigned lanes) { lanes_ = lanes; }

  // The counters of `vni`, created on first use. The pointer stays valid until a
  // retain_only() that leaves the VNI out.
  VniCounters* get_or_create(uint32_t vni);
  // nullptr if `vni` has no counters.
  const VniCounters* find(uint32_t vni) const;
  // Every VNI's counters as read now, sorted by VNI.
  std::vector<std::pair<uint32_t, VniCountersSnapshot>> snapshots() const;
  // Frees the counters of every VNI not in `live` (sorted ascending). Call only once no
  // reader can reach them: after FloodTablePublisher::publish() of a table holding exactly
  // `live` has returned (see publish_reclaiming_counters), or with no software readers.
  void retain_only(std::span<const uint32_t> live);
  size_t size() const;

 private:
  unsigned lanes_ = 1;
  mutable std::mutex mutex_;
  std::unordered_map<uint32_t, std::unique_ptr<VniCounters>> by_vni_;
};

}  // namespace vxsn
