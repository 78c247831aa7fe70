#include "driver/steering/steering_policy.hpp"

#include <algorithm>
#include <stdexcept>

#include "hls/control_regs.hpp"

namespace vxsn {
namespace {

constexpr uint16_t kSshPort = 22;
constexpr uint16_t kBgpPort = 179;
// BFD single-hop control, echo, multihop control (RFC 5881, 5883).
constexpr uint16_t kBfdPorts[] = {3784, 3785, 4784};

struct PortRule {
  const char* name;
  uint8_t proto;
  uint16_t src_port, dst_port;
};

// The node's own control protocols that may be addressed to a service address.
constexpr PortRule kHostPortRules[] = {
    {"bfd-control", kIpProtoUdp, 0, kBfdPorts[0]},
    {"bfd-echo", kIpProtoUdp, 0, kBfdPorts[1]},
    {"bfd-multihop", kIpProtoUdp, 0, kBfdPorts[2]},
    {"bgp", kIpProtoTcp, 0, kBgpPort},
    // The node's own BGP connection to a peer: the peer answers from port 179.
    {"bgp-reply", kIpProtoTcp, kBgpPort, 0},
    {"ssh", kIpProtoTcp, 0, kSshPort},
};

void check_udp_port(uint16_t port, const char* what) {
  if (port == 0) throw std::invalid_argument(std::string(what) + " port must not be 0");
  for (const PortRule& r : kHostPortRules) {
    if (r.proto == kIpProtoUdp && r.dst_port == port) {
      throw std::invalid_argument(std::string(what) + " port " + std::to_string(port) +
                                  " is the node's " + r.name + " port");
    }
  }
}

void check_inputs(const SteeringInputs& in) {
  if (in.service_addresses.empty()) {
    throw std::invalid_argument("steering policy: no service address");
  }
  // The datapath's address check (the card's control registers, the software parser's
  // table) holds this many; a further address would be steered to the datapath and dropped.
  if (in.service_addresses.size() > hw::kMaxServiceAddrs) {
    throw std::invalid_argument("steering policy: " + std::to_string(in.service_addresses.size()) +
                                " service addresses, the datapath holds at most " +
                                std::to_string(hw::kMaxServiceAddrs));
  }
  for (size_t i = 0; i < in.service_addresses.size(); ++i) {
    const IpAddr& a = in.service_addresses[i];
    if (!a.is_v4() && !a.is_v6()) {
      throw std::invalid_argument("steering policy: service address " + std::to_string(i) +
                                  " is neither IPv4 nor IPv6");
    }
    if (std::count(in.service_addresses.begin(), in.service_addresses.end(), a) > 1) {
      throw std::invalid_argument("steering policy: service address " + a.to_string() +
                                  " listed twice");
    }
  }
  check_udp_port(in.vxlan_port, "VXLAN");
  if (in.registration_port) {
    check_udp_port(*in.registration_port, "registration");
    if (*in.registration_port == in.vxlan_port) {
      throw std::invalid_argument("steering policy: VXLAN and registration share UDP port " +
                                  std::to_string(in.vxlan_port));
    }
  }
}

void add_address_rules(const SteeringInputs& in, const IpAddr& addr, std::vector<SteerRule>& tier0,
                       std::vector<SteerRule>& tier1) {
  SteerMatch base;
  base.l3 = addr.is_v4() ? L3Match::kIpv4 : L3Match::kIpv6;
  base.dst = addr;
  auto add = [&](const char* name, SteerMatch m, SteerAction action) {
    tier0.push_back(SteerRule{name, 0, m, action});
  };
  auto with_ports = [&](uint8_t proto, uint16_t src, uint16_t dst) {
    SteerMatch m = base;
    m.ip_proto = proto;
    m.src_port = src;
    m.dst_port = dst;
    return m;
  };
  add("vxlan", with_ports(kIpProtoUdp, 0, in.vxlan_port), SteerAction::kDatapath);
  if (in.registration_port) {
    add("registration", with_ports(kIpProtoUdp, 0, *in.registration_port),
        SteerAction::kRegistration);
  }
  for (const PortRule& r : kHostPortRules) {
    add(r.name, with_ports(r.proto, r.src_port, r.dst_port), SteerAction::kHost);
  }
  // ND is ICMPv6; ping and "fragmentation needed"/"packet too big" keep the node's own
  // sessions (BGP, SSH) working on the address.
  add(addr.is_v4() ? "icmp" : "icmpv6",
      with_ports(addr.is_v4() ? kIpProtoIcmp : kIpProtoIcmpv6, 0, 0), SteerAction::kHost);
  // A fragment without the UDP header cannot be told apart; the kernel reassembles it
  // (a registration datagram may be fragmented), the datapath never takes fragments.
  SteerMatch frag = base;
  frag.fragment = true;
  add("fragment", frag, SteerAction::kHost);

  tier1.push_back(SteerRule{"service-other", 1, base, SteerAction::kDrop});
}

}  // namespace

const char* to_string(SteerAction action) {
  switch (action) {
    case SteerAction::kDatapath:
      return "datapath";
    case SteerAction::kRegistration:
      return "registration";
    case SteerAction::kHost:
      return "host";
    case SteerAction::kDrop:
      return "drop";
  }
  return "?";
}

SteeringPolicy compile_steering_policy(const SteeringInputs& inputs) {
  check_inputs(inputs);
  std::vector<SteerRule> tier0, tier1;
  for (const IpAddr& addr : inputs.service_addresses) add_address_rules(inputs, addr, tier0, tier1);
  SteerMatch arp;
  arp.l3 = L3Match::kArp;
  tier0.push_back(SteerRule{"arp", 0, arp, SteerAction::kHost});

  SteeringPolicy policy;
  policy.inputs = inputs;
  policy.rules = std::move(tier0);
  policy.rules.insert(policy.rules.end(), tier1.begin(), tier1.end());
  policy.rules.push_back(SteerRule{"host-default", 2, SteerMatch{}, SteerAction::kHost});
  return policy;
}

}  // namespace vxsn
