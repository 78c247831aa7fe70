#include "host/daemon/table_compiler.hpp"

#include <set>

namespace vxsn {

std::vector<IpAddr> member_addresses(const Config& config) {
  std::set<IpAddr> unique;
  for (const StaticVni& v : config.vnis) unique.insert(v.members.begin(), v.members.end());
  return {unique.begin(), unique.end()};
}

ReplicationParams replication_params(const Config& config) {
  ReplicationParams p;
  p.source_mode = config.keep_source_ip ? SourceIpMode::kKeepOriginal : SourceIpMode::kOwnAddress;
  p.own_v4 = config.own_v4;
  p.own_v6 = config.own_v6;
  p.ttl = config.ttl;
  p.vxlan_port = config.vxlan_port;
  return p;
}

namespace {

// The port a next hop leaves through: matched by kernel interface name. A single port
// without a kernel interface (ring, PCI) carries everything.
std::optional<uint16_t> egress_port_for(const NextHop& hop, const std::vector<DpdkPort*>& ports) {
  for (uint16_t i = 0; i < ports.size(); ++i)
    if (!ports[i]->kernel_ifname().empty() && ports[i]->kernel_ifname() == hop.ifname) return i;
  if (ports.size() == 1 && ports[0]->kernel_ifname().empty()) return 0;
  return std::nullopt;
}

}  // namespace

std::unique_ptr<FloodTable> compile_table(const Config& config, const std::vector<DpdkPort*>& ports,
                                          const NextHopResolver& resolver,
                                          VniCounterRegistry& counters, TableSummary* summary) {
  FloodTableBuilder builder;
  builder.set_params(replication_params(config));
  std::vector<EgressPort> egress;
  for (DpdkPort* p : ports) egress.push_back(EgressPort{p->mac(), p->max_frame_len()});
  builder.set_egress_ports(egress);

  TableSummary s;
  for (const StaticVni& v : config.vnis) {
    std::vector<MemberSpec> members;
    for (const IpAddr& addr : v.members) {
      MemberSpec m;
      m.addr = addr;
      m.resolved = false;
      if (auto hop = resolver.lookup(addr); hop && hop->resolved) {
        if (auto port = egress_port_for(*hop, ports)) {
          m.resolved = true;
          m.next_hop_mac = hop->mac;
          m.egress_port = *port;
        }
      }
      s.unresolved += !m.resolved;
      members.push_back(m);
    }
    s.members += members.size();
    builder.add_vni(v.vni, std::move(members), counters.get_or_create(v.vni));
  }
  s.vnis = config.vnis.size();
  if (summary) *summary = s;
  return builder.build();
}

}  // namespace vxsn
