// What the daemon needs to turn the table manager's membership into flood tables: the
// replication params from config, and each member's next hop on one of our ports.
#pragma once

#include <vector>

#include "driver/dpdk/port.hpp"
#include "host/config/config.hpp"
#include "host/datapath/flood_table.hpp"
#include "host/nexthop/next_hop_resolver.hpp"

namespace vxsn {

struct TableSummary {
  size_t vnis = 0;
  size_t members = 0;
  size_t unresolved = 0;  // members without a next hop on one of our ports
};

ReplicationParams replication_params(const Config& config);
std::vector<EgressPort> egress_ports(const std::vector<DpdkPort*>& ports);

// A member resolves only if the kernel's next hop leaves through the interface one of our
// ports is attached to; otherwise it stays unresolved (the datapath skips and counts it)
// rather than being sent out of the wrong port.
void resolve_member(MemberSpec& member, const NextHopResolver& resolver,
                    const std::vector<DpdkPort*>& ports);

}  // namespace vxsn
