// Bounded per-VNI counters: a VNI's counters go once no datapath reader can reach them, so
// VNIs that come and go for the life of the process leave nothing behind (issue 10).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "host/datapath/flood_table.hpp"
#include "host/datapath/vni_counter_registry.hpp"

namespace vxsn {

// The VNIs of `table`, ascending (the order of FloodTable::entries()).
std::vector<uint32_t> vnis_of(const FloodTable& table);

// Publishes `table`, then frees the counters of every VNI it lacks. publish() returns only
// after a grace period, when the previous snapshot (the last one that could point at those
// counters) is freed, so no packet can still count into them.
void publish_reclaiming_counters(FloodTablePublisher& publisher, VniCounterRegistry& counters,
                                 std::unique_ptr<FloodTable> table);

}  // namespace vxsn
