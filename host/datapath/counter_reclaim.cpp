#include "host/datapath/counter_reclaim.hpp"

#include <algorithm>
#include <optional>

namespace vxsn {

std::vector<uint32_t> vnis_of(const FloodTable& table) {
  std::vector<uint32_t> vnis;
  vnis.reserve(table.vni_count());
  table.for_each_entry([&](const VniEntry& e) { vnis.push_back(e.vni); });
  std::sort(vnis.begin(), vnis.end());
  return vnis;
}

void reclaim_counters_not_in(const FloodTable& table, VniCounterRegistry& counters) {
  if (counters.size() > table.counted_vni_count()) counters.retain_only(vnis_of(table));
}

void publish_reclaiming_counters(FloodTablePublisher& publisher, VniCounterRegistry& counters,
                                 std::unique_ptr<FloodTable> table) {
  std::optional<std::vector<uint32_t>> live;
  if (counters.size() > table->counted_vni_count()) live = vnis_of(*table);
  publisher.publish(std::move(table));
  if (live) counters.retain_only(*live);
}

}  // namespace vxsn
