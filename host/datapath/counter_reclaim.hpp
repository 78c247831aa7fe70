// Bounded per-VNI counters: a VNI's counters go once no datapath reader can reach them, so
// VNIs that come and go for the life of the process leave nothing behind (issue 10).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "host/datapath/flood_table.hpp"
#include "host/datapath/vni_counter_registry.hpp"

namespace vxsn {

// The VNIs of `table`, ascending.
std::vector<uint32_t> vnis_of(const FloodTable& table);

// Frees the counters of every VNI `table` lacks. Skipped (O(shards), not O(VNIs)) when
// the registry holds no more counters than the table's VNIs with counters: every VNI of a
// table compiled with this registry has its counters there, so nothing can be stale.
void reclaim_counters_not_in(const FloodTable& table, VniCounterRegistry& counters);

// Publishes `table`, then frees the counters of every VNI it lacks. publish() returns only
// after a grace period, when the previous snapshot (the last one that could point at those
// counters) is freed, so no packet can still count into them.
void publish_reclaiming_counters(FloodTablePublisher& publisher, VniCounterRegistry& counters,
                                 std::unique_ptr<FloodTable> table);

}  // namespace vxsn
