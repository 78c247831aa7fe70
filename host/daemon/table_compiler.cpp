#include "host/daemon/table_compiler.hpp"

namespace vxsn {

ReplicationParams replication_params(const Config& config) {
  ReplicationParams p;
  p.source_mode = config.keep_source_ip ? SourceIpMode::kKeepOriginal : SourceIpMode::kOwnAddress;
  p.own_v4 = config.own_v4;
  p.own_v6 = config.own_v6;
  p.ttl = config.ttl;
  p.vxlan_port = config.vxlan_port;
  p.storm.per_vtep = config.storm.per_vtep;
  p.storm.burst_ns = uint64_t{config.storm.burst_ms} * 1000000;
  return p;
}

std::vector<EgressPort> egress_ports(const std::vector<DpdkPort*>& ports) {
  std::vector<EgressPort> egress;
  for (DpdkPort* p : ports) egress.push_back(EgressPort{p->mac(), p->max_frame_len()});
  return egress;
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

void resolve_member(MemberSpec& m, const NextHopResolver& resolver,
                    const std::vector<DpdkPort*>& ports) {
  m.resolved = false;
  if (auto hop = resolver.lookup(m.addr); hop && hop->resolved) {
    if (auto port = egress_port_for(*hop, ports)) {
      m.resolved = true;
      m.next_hop_mac = hop->mac;
      m.egress_port = *port;
    }
  }
}

}  // namespace vxsn
