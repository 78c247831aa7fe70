// Turns configuration and resolved next hops into the datapath's flood table.
#pragma once

#include <memory>
#include <vector>

#include "driver/dpdk/port.hpp"
#include "host/config/config.hpp"
#include "host/datapath/counters.hpp"
#include "host/datapath/flood_table.hpp"
#include "host/datapath/vni_counter_registry.hpp"
#include "host/nexthop/next_hop_resolver.hpp"

namespace vxsn {

struct TableSummary {
  size_t vnis = 0;
  size_t members = 0;
  size_t unresolved = 0;  // members without a next hop on one of our ports
};

// Every address the table sends to: the resolver tracks these.
std::vector<IpAddr> member_addresses(const Config& config);

ReplicationParams replication_params(const Config& config);

// Builds a complete snapshot. A member resolves only if the kernel's next hop leaves through
// the interface one of our ports is attached to; otherwise it is kept unresolved (the
// datapath skips and counts it) rather than sent out of the wrong port.
std::unique_ptr<FloodTable> compile_table(const Config& config, const std::vector<DpdkPort*>& ports,
                                          const NextHopResolver& resolver,
                                          VniCounterRegistry& counters, TableSummary* summary);

}  // namespace vxsn
