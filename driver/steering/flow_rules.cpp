#include "driver/steering/flow_rules.hpp"

#include <rte_byteorder.h>
#include <rte_ethdev.h>

#include <cstring>

namespace vxsn {
namespace {

constexpr uint16_t kIpv4FragmentOffsetMask = 0x1FFF;
// Hashing the outer 5-tuple of UDP: the VTEPs' source ports carry the flows' entropy.
constexpr uint64_t kDatapathRssTypes = RTE_ETH_RSS_NONFRAG_IPV4_UDP | RTE_ETH_RSS_NONFRAG_IPV6_UDP;

uint16_t ether_type_of(L3Match l3) {
  switch (l3) {
    case L3Match::kArp:
      return kEtherTypeArp;
    case L3Match::kIpv4:
      return RTE_ETHER_TYPE_IPV4;
    case L3Match::kIpv6:
      return RTE_ETHER_TYPE_IPV6;
    case L3Match::kAny:
      break;
  }
  return 0;
}

void push_item(FlowSpec& f, rte_flow_item_type type, const void* spec, const void* mask,
               const void* last = nullptr) {
  f.pattern.push_back(rte_flow_item{type, spec, last, mask});
}

// eth [/ vlan] carrying the rule's EtherType (a catch-all matches any frame).
void add_l2(FlowSpec& f, const SteerMatch& m) {
  const uint16_t type = ether_type_of(m.l3);
  if (type == 0) {
    push_item(f, RTE_FLOW_ITEM_TYPE_ETH, nullptr, nullptr);
    return;
  }
  f.eth_mask.hdr.ether_type = RTE_BE16(0xFFFF);
  if (!f.tagged) {
    f.eth_spec.hdr.ether_type = rte_cpu_to_be_16(type);
    push_item(f, RTE_FLOW_ITEM_TYPE_ETH, &f.eth_spec, &f.eth_mask);
    return;
  }
  f.eth_spec.hdr.ether_type = RTE_BE16(RTE_ETHER_TYPE_VLAN);
  push_item(f, RTE_FLOW_ITEM_TYPE_ETH, &f.eth_spec, &f.eth_mask);
  // Any VLAN id (TCI mask 0); the inner EtherType selects the L3.
  f.vlan_spec.hdr.eth_proto = rte_cpu_to_be_16(type);
  f.vlan_mask.hdr.eth_proto = RTE_BE16(0xFFFF);
  push_item(f, RTE_FLOW_ITEM_TYPE_VLAN, &f.vlan_spec, &f.vlan_mask);
}

void add_ipv4(FlowSpec& f, const SteerMatch& m) {
  if (m.dst.is_v4()) {
    std::memcpy(&f.ipv4_spec.hdr.dst_addr, m.dst.bytes.data(), 4);
    f.ipv4_mask.hdr.dst_addr = RTE_BE32(0xFFFFFFFF);
  }
  if (m.ip_proto != 0) {
    f.ipv4_spec.hdr.next_proto_id = m.ip_proto;
    f.ipv4_mask.hdr.next_proto_id = 0xFF;
  }
  const void* last = nullptr;
  if (m.fragment) {
    // Non-first fragments: offset 1..8191 (the range form NICs such as mlx5 accept).
    f.ipv4_spec.hdr.fragment_offset = RTE_BE16(1);
    f.ipv4_last = f.ipv4_spec;
    f.ipv4_last.hdr.fragment_offset = RTE_BE16(kIpv4FragmentOffsetMask);
    f.ipv4_mask.hdr.fragment_offset = RTE_BE16(kIpv4FragmentOffsetMask);
    last = &f.ipv4_last;
  }
  push_item(f, RTE_FLOW_ITEM_TYPE_IPV4, &f.ipv4_spec, &f.ipv4_mask, last);
}

void add_ipv6(FlowSpec& f, const SteerMatch& m) {
  if (m.dst.is_v6()) {
    std::memcpy(f.ipv6_spec.hdr.dst_addr, m.dst.bytes.data(), 16);
    std::memset(f.ipv6_mask.hdr.dst_addr, 0xFF, 16);
  }
  if (m.ip_proto != 0) {
    f.ipv6_spec.hdr.proto = m.ip_proto;
    f.ipv6_mask.hdr.proto = 0xFF;
  }
  if (m.fragment) {
    f.ipv6_spec.has_frag_ext = 1;
    f.ipv6_mask.has_frag_ext = 1;
  }
  push_item(f, RTE_FLOW_ITEM_TYPE_IPV6, &f.ipv6_spec, &f.ipv6_mask);
}

void add_l4(FlowSpec& f, const SteerMatch& m) {
  if (m.src_port == 0 && m.dst_port == 0) return;
  if (m.ip_proto == kIpProtoUdp) {
    f.udp_spec.hdr.src_port = rte_cpu_to_be_16(m.src_port);
    f.udp_spec.hdr.dst_port = rte_cpu_to_be_16(m.dst_port);
    f.udp_mask.hdr.src_port = m.src_port ? RTE_BE16(0xFFFF) : 0;
    f.udp_mask.hdr.dst_port = m.dst_port ? RTE_BE16(0xFFFF) : 0;
    push_item(f, RTE_FLOW_ITEM_TYPE_UDP, &f.udp_spec, &f.udp_mask);
  } else {
    f.tcp_spec.hdr.src_port = rte_cpu_to_be_16(m.src_port);
    f.tcp_spec.hdr.dst_port = rte_cpu_to_be_16(m.dst_port);
    f.tcp_mask.hdr.src_port = m.src_port ? RTE_BE16(0xFFFF) : 0;
    f.tcp_mask.hdr.dst_port = m.dst_port ? RTE_BE16(0xFFFF) : 0;
    push_item(f, RTE_FLOW_ITEM_TYPE_TCP, &f.tcp_spec, &f.tcp_mask);
  }
}

void add_actions(FlowSpec& f, SteerAction action, const FlowTargets& t) {
  if (t.count) f.actions.push_back({RTE_FLOW_ACTION_TYPE_COUNT, &f.count});
  switch (action) {
    case SteerAction::kDatapath:
      f.rss_queues = t.datapath_queues;
      f.rss.func = RTE_ETH_HASH_FUNCTION_DEFAULT;
      f.rss.level = 1;  // the outer headers
      f.rss.types = kDatapathRssTypes;
      f.rss.queue_num = static_cast<uint32_t>(f.rss_queues.size());
      f.rss.queue = f.rss_queues.data();
      f.actions.push_back({RTE_FLOW_ACTION_TYPE_RSS, &f.rss});
      break;
    case SteerAction::kRegistration:
    case SteerAction::kHost:
      if (t.isolated) {
        f.actions.push_back({RTE_FLOW_ACTION_TYPE_SEND_TO_KERNEL, nullptr});
      } else {
        f.queue.index = t.host_queue;
        f.actions.push_back({RTE_FLOW_ACTION_TYPE_QUEUE, &f.queue});
      }
      break;
    case SteerAction::kDrop:
      f.actions.push_back({RTE_FLOW_ACTION_TYPE_DROP, nullptr});
      break;
  }
  f.actions.push_back({RTE_FLOW_ACTION_TYPE_END, nullptr});
}

std::unique_ptr<FlowSpec> make_flow(const SteeringPolicy& policy, size_t index, bool tagged,
                                    const FlowTargets& targets, uint64_t generation) {
  const SteerRule& rule = policy.rules[index];
  auto f = std::make_unique<FlowSpec>();
  f->rule = index;
  f->tagged = tagged;
  f->attr.ingress = 1;
  f->attr.priority = flow_priority(rule.tier, generation);
  add_l2(*f, rule.match);
  if (rule.match.l3 == L3Match::kIpv4) add_ipv4(*f, rule.match);
  if (rule.match.l3 == L3Match::kIpv6) add_ipv6(*f, rule.match);
  add_l4(*f, rule.match);
  f->pattern.push_back(rte_flow_item{RTE_FLOW_ITEM_TYPE_END, nullptr, nullptr, nullptr});
  add_actions(*f, rule.action, targets);
  return f;
}

}  // namespace

uint32_t flow_priority(uint8_t tier, uint64_t generation) {
  return tier * 2u + static_cast<uint32_t>(generation & 1);
}

std::vector<std::unique_ptr<FlowSpec>> translate_to_flows(const SteeringPolicy& policy,
                                                          const FlowTargets& targets,
                                                          uint64_t generation) {
  std::vector<std::unique_ptr<FlowSpec>> flows;
  for (size_t i = 0; i < policy.rules.size(); ++i) {
    if (policy.rules[i].match.l3 == L3Match::kAny) {
      // The catch-all: in isolated mode the kernel already keeps what no rule claims.
      if (!targets.isolated) flows.push_back(make_flow(policy, i, false, targets, generation));
      continue;
    }
    for (bool tagged : {false, true})
      flows.push_back(make_flow(policy, i, tagged, targets, generation));
  }
  return flows;
}

}  // namespace vxsn
