// The one steering policy: which received frames the datapath takes, which the host gets
// and which are dropped, compiled once from the node's service addresses and ports into
// an ordered rule list. Every enforcer (rte_flow on the NIC, the XDP program on AF_XDP
// ports, the software classifier in front of the datapath) takes this list; none has its
// own copy of the policy.
//
// Per service address (IPv4 or IPv6; every rule matches untagged frames and frames with
// one 802.1Q tag of any VLAN id):
//   tier 0  UDP to the VXLAN port                 -> datapath (RSS over the outer 5-tuple)
//           UDP to the registration port          -> registration (the kernel's socket)
//           BFD (UDP 3784/3785/4784), BGP (TCP 179 either way), SSH (TCP 22),
//           ICMP/ICMPv6 (ND, ping, PMTU errors), fragments without a UDP header -> host
//   tier 1  anything else to the address          -> drop (counted)
// and for the node as a whole:
//   tier 0  ARP                                   -> host
//   tier 2  everything else                       -> host
//
// Within a tier rules never disagree on a frame; a frame takes the action of the first
// rule (lowest tier) that matches. Matches are loose on purpose (no length, checksum or
// flag checks): a malformed VXLAN frame must still reach the parser to be counted.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "driver/net_types.hpp"

namespace vxsn {

// "host" is the kernel's traffic: today the kernel's own copy (kernel-backed ports) or
// the kernel side of a bifurcated NIC; later the kernel path queue of a vfio port.
enum class SteerAction : uint8_t { kDatapath, kRegistration, kHost, kDrop };
const char* to_string(SteerAction action);

enum class L3Match : uint8_t { kAny, kArp, kIpv4, kIpv6 };

inline constexpr uint8_t kIpProtoIcmp = 1;
inline constexpr uint8_t kIpProtoTcp = 6;
inline constexpr uint8_t kIpProtoUdp = 17;
inline constexpr uint8_t kIpProtoIcmpv6 = 58;
inline constexpr uint16_t kEtherTypeArp = 0x0806;

struct SteerMatch {
  L3Match l3 = L3Match::kAny;
  IpAddr dst;             // family kNone: any destination
  uint8_t ip_proto = 0;   // 0: any (IPv6: the first next header)
  bool fragment = false;  // only IPv4 non-first fragments / IPv6 with a fragment header
  uint16_t src_port = 0;  // UDP/TCP, 0: any; a port match never matches a fragment
  uint16_t dst_port = 0;  // that carries no L4 header
  bool operator==(const SteerMatch&) const = default;
};

struct SteerRule {
  std::string name;  // "vxlan", "bgp", "service-other"...: counters and logs
  uint8_t tier = 0;  // 0 specific, 1 per-address default, 2 catch-all
  SteerMatch match;
  SteerAction action = SteerAction::kHost;
  bool operator==(const SteerRule&) const = default;
};

inline constexpr uint8_t kSteerTierCount = 3;

// What the policy is compiled from (the daemon fills it from its config).
struct SteeringInputs {
  std::vector<IpAddr> service_addresses;
  uint16_t vxlan_port = 4789;
  std::optional<uint16_t> registration_port;  // when the registration server runs
};

struct SteeringPolicy {
  SteeringInputs inputs;
  std::vector<SteerRule> rules;  // in tier order: the first match wins
};

// Throws std::invalid_argument naming the problem: no service address, an address that
// is not IPv4/IPv6, a duplicate, or the VXLAN/registration port colliding with another
// port the policy gives a different action.
SteeringPolicy compile_steering_policy(const SteeringInputs& inputs);

}  // namespace vxsn
