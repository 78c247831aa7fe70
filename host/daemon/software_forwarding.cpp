#include "host/daemon/software_forwarding.hpp"

#include <algorithm>

#include "host/datapath/counter_reclaim.hpp"

namespace vxsn {
namespace {

LearnFilterParams learn_filter_params(const Config& c) {
  LearnFilterParams p;
  // A pair checked is quiet for one ageing interval: a learned member's traffic refreshes
  // it at most that often.
  p.hold_ns = uint64_t{c.table.ageing_interval_ms} * 1'000'000;
  p.events_per_s = c.table.learn_rate;
  p.burst = std::max<uint32_t>(16, c.table.learn_rate / 4);
  return p;
}

ParseConfig parse_config_of(const Config& c) {
  ParseConfig p;
  p.vxlan_port = c.vxlan_port;
  set_service_addresses(p, c.service_addresses);
  return p;
}

}  // namespace

SoftwareForwarding::SoftwareForwarding(std::vector<DpdkPort*> ports, const Config& config,
                                       const SteeringPolicy& steering,
                                       VniCounterRegistry& vni_counters)
    : vni_counters_(vni_counters),
      datapath_(std::make_unique<SoftwareDatapath>(
          std::move(ports), tables_, parse_config_of(config), steering,
          config.datapath_lcores.lane_count(), true, learn_filter_params(config))) {}

bool SoftwareForwarding::publish(std::unique_ptr<FloodTable> table, uint64_t /*generation*/) {
  publish_reclaiming_counters(tables_, vni_counters_, std::move(table));
  return true;
}

void SoftwareForwarding::drain_learn_events(const LearnSink& learn) {
  for (LearnQueue* q : datapath_->learn_queues())
    q->drain([&](const LearnReport& r) { learn(r.vni, r.vtep); });
}

ForwardingReading SoftwareForwarding::read_counters() {
  ForwardingReading r;
  r.datapath = datapath_->counters();
  r.host_frames = datapath_->host_frames();
  r.vnis = vni_counters_.snapshots();
  r.learn = datapath_->learn_counts();
  r.lcores = datapath_->lcore_counts();
  if (datapath_->has_kernel_path()) r.kernel_paths = datapath_->kernel_path_counts();
  return r;
}

}  // namespace vxsn
