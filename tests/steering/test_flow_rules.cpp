// The rte_flow arrays of every policy case, field by field.
#include <gtest/gtest.h>
#include <rte_byteorder.h>
#include <rte_ethdev.h>

#include <cstring>

#include "driver/steering/flow_rules.hpp"

namespace vxsn {
namespace {

const IpAddr kV4 = *IpAddr::parse("10.0.0.1");
const IpAddr kV6 = *IpAddr::parse("fd00::1");

struct Flows {
  SteeringPolicy policy = compile_steering_policy({{kV4, kV6}, 4789, 10001});
  std::vector<std::unique_ptr<FlowSpec>> flows;

  const FlowSpec& find(const std::string& rule, const IpAddr& dst, bool tagged) const {
    for (const auto& f : flows) {
      const SteerRule& r = policy.rules[f->rule];
      if (r.name == rule && r.match.dst == dst && f->tagged == tagged) return *f;
    }
    throw std::runtime_error("no flow " + rule);
  }
};

Flows flows_for(const FlowTargets& t, uint64_t generation = 0) {
  Flows f;
  f.flows = translate_to_flows(f.policy, t, generation);
  return f;
}

std::vector<rte_flow_item_type> item_types(const FlowSpec& f) {
  std::vector<rte_flow_item_type> out;
  for (const rte_flow_item& i : f.pattern) out.push_back(i.type);
  return out;
}

std::vector<rte_flow_action_type> action_types(const FlowSpec& f) {
  std::vector<rte_flow_action_type> out;
  for (const rte_flow_action& a : f.actions) out.push_back(a.type);
  return out;
}

TEST(FlowRules, VxlanToIpv4IsEthIpv4UdpWithRssOverTheOuterFiveTuple) {
  const Flows f = flows_for(FlowTargets{.datapath_queues = {0, 1, 2}});
  const FlowSpec& s = f.find("vxlan", kV4, false);
  EXPECT_EQ(s.attr.ingress, 1u);
  EXPECT_EQ(s.attr.priority, 0u);
  EXPECT_EQ(item_types(s), (std::vector{RTE_FLOW_ITEM_TYPE_ETH, RTE_FLOW_ITEM_TYPE_IPV4,
                                        RTE_FLOW_ITEM_TYPE_UDP, RTE_FLOW_ITEM_TYPE_END}));
  const auto* eth = static_cast<const rte_flow_item_eth*>(s.pattern[0].spec);
  const auto* eth_mask = static_cast<const rte_flow_item_eth*>(s.pattern[0].mask);
  EXPECT_EQ(rte_be_to_cpu_16(eth->hdr.ether_type), RTE_ETHER_TYPE_IPV4);
  EXPECT_EQ(eth_mask->hdr.ether_type, 0xFFFF);
  const auto* ip = static_cast<const rte_flow_item_ipv4*>(s.pattern[1].spec);
  const auto* ip_mask = static_cast<const rte_flow_item_ipv4*>(s.pattern[1].mask);
  EXPECT_EQ(std::memcmp(&ip->hdr.dst_addr, kV4.bytes.data(), 4), 0);
  EXPECT_EQ(ip_mask->hdr.dst_addr, 0xFFFFFFFFu);
  EXPECT_EQ(ip_mask->hdr.src_addr, 0u);
  EXPECT_EQ(ip->hdr.next_proto_id, 17);
  EXPECT_EQ(ip_mask->hdr.fragment_offset, 0) << "the first fragment must reach the parser";
  EXPECT_EQ(s.pattern[1].last, nullptr);
  const auto* udp = static_cast<const rte_flow_item_udp*>(s.pattern[2].spec);
  const auto* udp_mask = static_cast<const rte_flow_item_udp*>(s.pattern[2].mask);
  EXPECT_EQ(rte_be_to_cpu_16(udp->hdr.dst_port), 4789);
  EXPECT_EQ(udp_mask->hdr.dst_port, 0xFFFF);
  EXPECT_EQ(udp_mask->hdr.src_port, 0);
  EXPECT_EQ(udp_mask->hdr.dgram_len, 0) << "loose on lengths";
  EXPECT_EQ(udp_mask->hdr.dgram_cksum, 0) << "loose on checksums";
  EXPECT_EQ(action_types(s), (std::vector{RTE_FLOW_ACTION_TYPE_COUNT, RTE_FLOW_ACTION_TYPE_RSS,
                                          RTE_FLOW_ACTION_TYPE_END}));
  const auto* rss = static_cast<const rte_flow_action_rss*>(s.actions[1].conf);
  EXPECT_EQ(rss->level, 1u);
  EXPECT_EQ(rss->types, RTE_ETH_RSS_NONFRAG_IPV4_UDP | RTE_ETH_RSS_NONFRAG_IPV6_UDP);
  ASSERT_EQ(rss->queue_num, 3u);
  EXPECT_EQ(std::vector<uint16_t>(rss->queue, rss->queue + 3), (std::vector<uint16_t>{0, 1, 2}));
}

TEST(FlowRules, TaggedFormPutsAVlanItemWithAnyIdBeforeTheL3) {
  const Flows f = flows_for(FlowTargets{});
  const FlowSpec& s = f.find("vxlan", kV6, true);
  EXPECT_EQ(item_types(s),
            (std::vector{RTE_FLOW_ITEM_TYPE_ETH, RTE_FLOW_ITEM_TYPE_VLAN, RTE_FLOW_ITEM_TYPE_IPV6,
                         RTE_FLOW_ITEM_TYPE_UDP, RTE_FLOW_ITEM_TYPE_END}));
  const auto* eth = static_cast<const rte_flow_item_eth*>(s.pattern[0].spec);
  EXPECT_EQ(rte_be_to_cpu_16(eth->hdr.ether_type), RTE_ETHER_TYPE_VLAN);
  const auto* vlan = static_cast<const rte_flow_item_vlan*>(s.pattern[1].spec);
  const auto* vlan_mask = static_cast<const rte_flow_item_vlan*>(s.pattern[1].mask);
  EXPECT_EQ(rte_be_to_cpu_16(vlan->hdr.eth_proto), RTE_ETHER_TYPE_IPV6);
  EXPECT_EQ(vlan_mask->hdr.vlan_tci, 0) << "any VLAN id";
  const auto* ip6 = static_cast<const rte_flow_item_ipv6*>(s.pattern[2].spec);
  const auto* ip6_mask = static_cast<const rte_flow_item_ipv6*>(s.pattern[2].mask);
  EXPECT_EQ(std::memcmp(ip6->hdr.dst_addr, kV6.bytes.data(), 16), 0);
  EXPECT_EQ(ip6_mask->hdr.dst_addr[15], 0xFF);
  EXPECT_EQ(ip6_mask->hdr.src_addr[15], 0);
  EXPECT_EQ(ip6->hdr.proto, 17);
}

TEST(FlowRules, HostRegistrationAndDropActions) {
  const Flows plain = flows_for(FlowTargets{.host_queue = 3});
  for (const char* rule : {"registration", "bgp", "ssh"}) {
    const FlowSpec& s = plain.find(rule, kV4, false);
    ASSERT_EQ(action_types(s)[1], RTE_FLOW_ACTION_TYPE_QUEUE) << rule;
    EXPECT_EQ(static_cast<const rte_flow_action_queue*>(s.actions[1].conf)->index, 3) << rule;
  }
  const Flows isolated = flows_for(FlowTargets{.isolated = true});
  EXPECT_EQ(action_types(isolated.find("bfd-control", kV6, true))[1],
            RTE_FLOW_ACTION_TYPE_SEND_TO_KERNEL);
  const FlowSpec& drop = plain.find("service-other", kV4, false);
  EXPECT_EQ(action_types(drop), (std::vector{RTE_FLOW_ACTION_TYPE_COUNT, RTE_FLOW_ACTION_TYPE_DROP,
                                             RTE_FLOW_ACTION_TYPE_END}));
  EXPECT_EQ(drop.attr.priority, 2u) << "tier 1 below every tier-0 rule";
  EXPECT_EQ(item_types(drop),
            (std::vector{RTE_FLOW_ITEM_TYPE_ETH, RTE_FLOW_ITEM_TYPE_IPV4, RTE_FLOW_ITEM_TYPE_END}));
  const Flows uncounted = flows_for(FlowTargets{.count = false});
  EXPECT_EQ(action_types(uncounted.find("vxlan", kV4, false)),
            (std::vector{RTE_FLOW_ACTION_TYPE_RSS, RTE_FLOW_ACTION_TYPE_END}));
}

TEST(FlowRules, BgpReplyMatchesTheTcpSourcePortOnly) {
  const Flows f = flows_for(FlowTargets{});
  const FlowSpec& s = f.find("bgp-reply", kV4, false);
  ASSERT_EQ(s.pattern[2].type, RTE_FLOW_ITEM_TYPE_TCP);
  const auto* tcp = static_cast<const rte_flow_item_tcp*>(s.pattern[2].spec);
  const auto* mask = static_cast<const rte_flow_item_tcp*>(s.pattern[2].mask);
  EXPECT_EQ(rte_be_to_cpu_16(tcp->hdr.src_port), 179);
  EXPECT_EQ(mask->hdr.src_port, 0xFFFF);
  EXPECT_EQ(mask->hdr.dst_port, 0);
}

TEST(FlowRules, FragmentsMatchNonFirstIpv4OffsetsAndTheIpv6FragmentHeader) {
  const Flows f = flows_for(FlowTargets{});
  const FlowSpec& v4 = f.find("fragment", kV4, false);
  EXPECT_EQ(item_types(v4),
            (std::vector{RTE_FLOW_ITEM_TYPE_ETH, RTE_FLOW_ITEM_TYPE_IPV4, RTE_FLOW_ITEM_TYPE_END}));
  const auto* spec = static_cast<const rte_flow_item_ipv4*>(v4.pattern[1].spec);
  const auto* last = static_cast<const rte_flow_item_ipv4*>(v4.pattern[1].last);
  const auto* mask = static_cast<const rte_flow_item_ipv4*>(v4.pattern[1].mask);
  ASSERT_NE(last, nullptr);
  EXPECT_EQ(rte_be_to_cpu_16(spec->hdr.fragment_offset), 1);
  EXPECT_EQ(rte_be_to_cpu_16(last->hdr.fragment_offset), 0x1FFF);
  EXPECT_EQ(rte_be_to_cpu_16(mask->hdr.fragment_offset), 0x1FFF);
  EXPECT_EQ(last->hdr.dst_addr, spec->hdr.dst_addr);
  const FlowSpec& v6 = f.find("fragment", kV6, false);
  const auto* spec6 = static_cast<const rte_flow_item_ipv6*>(v6.pattern[1].spec);
  const auto* mask6 = static_cast<const rte_flow_item_ipv6*>(v6.pattern[1].mask);
  EXPECT_EQ(spec6->has_frag_ext, 1u);
  EXPECT_EQ(mask6->has_frag_ext, 1u);
  EXPECT_EQ(mask6->hdr.proto, 0);
}

TEST(FlowRules, ArpAndTheCatchAll) {
  const Flows plain = flows_for(FlowTargets{});
  const FlowSpec& arp = plain.find("arp", IpAddr{}, true);
  EXPECT_EQ(item_types(arp),
            (std::vector{RTE_FLOW_ITEM_TYPE_ETH, RTE_FLOW_ITEM_TYPE_VLAN, RTE_FLOW_ITEM_TYPE_END}));
  EXPECT_EQ(
      rte_be_to_cpu_16(static_cast<const rte_flow_item_vlan*>(arp.pattern[1].spec)->hdr.eth_proto),
      0x0806);
  const FlowSpec& all = plain.find("host-default", IpAddr{}, false);
  EXPECT_EQ(item_types(all), (std::vector{RTE_FLOW_ITEM_TYPE_ETH, RTE_FLOW_ITEM_TYPE_END}));
  EXPECT_EQ(all.pattern[0].spec, nullptr);
  EXPECT_EQ(all.attr.priority, 4u);
  // Every rule in two VLAN forms, the catch-all once.
  EXPECT_EQ(plain.flows.size(), 2 * plain.policy.rules.size() - 1);
  const Flows isolated = flows_for(FlowTargets{.isolated = true});
  EXPECT_EQ(isolated.flows.size(), 2 * isolated.policy.rules.size() - 2)
      << "isolated: the kernel keeps what no rule claims, no catch-all flow";
}

TEST(FlowRules, TheNextGenerationTakesTheOtherPriorityOfEachTier) {
  EXPECT_EQ(flow_priority(0, 0), 0u);
  EXPECT_EQ(flow_priority(0, 1), 1u);
  EXPECT_EQ(flow_priority(1, 0), 2u);
  EXPECT_EQ(flow_priority(2, 7), 5u);
  const Flows next = flows_for(FlowTargets{}, 1);
  EXPECT_EQ(next.find("vxlan", kV4, false).attr.priority, 1u);
}

}  // namespace
}  // namespace vxsn
