#include "host/datapath/counter_reclaim.hpp"

namespace vxsn {

std::vector<uint32_t> vnis_of(const FloodTable& table) {
  std::vector<uint32_t> vnis;
  vnis.reserve(table.vni_count());
  for (const VniEntry& e : table.entries()) vnis.push_back(e.vni);
  return vnis;
}

void publish_reclaiming_counters(FloodTablePublisher& publisher, VniCounterRegistry& counters,
                                 std::unique_ptr<FloodTable> table) {
  const std::vector<uint32_t> live = vnis_of(*table);
  publisher.publish(std::move(table));
  counters.retain_only(live);
}

}  // namespace vxsn
