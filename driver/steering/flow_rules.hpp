// The steering policy as rte_flow pattern/action arrays: one flow per rule and VLAN form
// (untagged, one 802.1Q tag of any id), `eth [/ vlan] / ipv4|ipv6 [/ udp|tcp]`, actions
// RSS (datapath), QUEUE or SEND_TO_KERNEL (host, registration), DROP, each with COUNT when
// the PMD offers counters. Pure translation: no DPDK call is made here.
#pragma once

#include <rte_flow.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "driver/steering/steering_policy.hpp"

namespace vxsn {

// Where the actions send traffic on one port.
struct FlowTargets {
  std::vector<uint16_t> datapath_queues{0};  // RSS over these
  // Host and registration traffic: a queue (today the datapath's queue, where the
  // software classifier lets it go; later the kernel path's) unless isolated, where the
  // kernel side of a bifurcated NIC takes it (SEND_TO_KERNEL, and what no rule claims).
  uint16_t host_queue = 0;
  bool isolated = false;
  bool count = true;  // add COUNT to every flow
};

// One flow's arrays. The pattern and actions point into the object: it never moves.
struct FlowSpec {
  FlowSpec() = default;
  FlowSpec(const FlowSpec&) = delete;
  FlowSpec& operator=(const FlowSpec&) = delete;

  size_t rule = 0;  // index in the policy's rule list
  bool tagged = false;
  rte_flow_attr attr{};
  std::vector<rte_flow_item> pattern;    // ends with END
  std::vector<rte_flow_action> actions;  // ends with END

  // Item and action configurations the arrays point at.
  rte_flow_item_eth eth_spec{}, eth_mask{};
  rte_flow_item_vlan vlan_spec{}, vlan_mask{};
  rte_flow_item_ipv4 ipv4_spec{}, ipv4_mask{}, ipv4_last{};
  rte_flow_item_ipv6 ipv6_spec{}, ipv6_mask{};
  rte_flow_item_udp udp_spec{}, udp_mask{};
  rte_flow_item_tcp tcp_spec{}, tcp_mask{};
  rte_flow_action_rss rss{};
  std::vector<uint16_t> rss_queues;
  rte_flow_action_queue queue{};
  rte_flow_action_count count{};
};

// Flow priorities: tier * 2 + (generation & 1), so a replacement's rules (the next
// generation) sit beside the old ones without colliding, and every tier-0 rule of either
// generation still wins over every tier-1/2 rule (make-before-break keeps the policy).
uint32_t flow_priority(uint8_t tier, uint64_t generation);

std::vector<std::unique_ptr<FlowSpec>> translate_to_flows(const SteeringPolicy& policy,
                                                          const FlowTargets& targets,
                                                          uint64_t generation);

}  // namespace vxsn
