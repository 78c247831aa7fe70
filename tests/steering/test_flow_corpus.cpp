// The rte_flow arrays agree with the software classifier on the packet corpus: a small
// reading of rte_flow's item semantics (written here from the rte_flow documentation, not
// from the translator) matches each frame against every flow; the highest-priority match
// must be a flow of the rule the software classifier picks. This is what a NIC would do
// with the arrays, short of the NIC.
#include <gtest/gtest.h>
#include <rte_byteorder.h>

#include <cstring>

#include "driver/steering/flow_rules.hpp"
#include "driver/steering/software_classifier.hpp"
#include "steer_corpus.hpp"

namespace vxsn {
namespace {

uint16_t be16(const uint8_t* p) {
  return static_cast<uint16_t>(p[0] << 8 | p[1]);
}

bool masked_equal(const void* spec, const void* mask, const uint8_t* wire, size_t n) {
  const auto* s = static_cast<const uint8_t*>(spec);
  const auto* m = static_cast<const uint8_t*>(mask);
  for (size_t i = 0; i < n; ++i)
    if ((s[i] & m[i]) != (wire[i] & m[i])) return false;
  return true;
}

// Whether `pattern` matches `f`, item by item over the frame's headers.
bool flow_matches(const rte_flow_item* item, const std::vector<uint8_t>& f) {
  size_t off = 12;  // at the EtherType / TPID
  uint8_t l4_proto = 0;
  bool l4_present = false;
  size_t l4 = 0;
  for (; item->type != RTE_FLOW_ITEM_TYPE_END; ++item) {
    switch (item->type) {
      case RTE_FLOW_ITEM_TYPE_ETH: {
        if (f.size() < 14) return false;
        if (!item->spec) break;
        const auto* s = static_cast<const rte_flow_item_eth*>(item->spec);
        const auto* m = static_cast<const rte_flow_item_eth*>(item->mask);
        if ((s->hdr.ether_type & m->hdr.ether_type) !=
            (rte_cpu_to_be_16(be16(&f[12])) & m->hdr.ether_type))
          return false;
        break;
      }
      case RTE_FLOW_ITEM_TYPE_VLAN: {
        if (f.size() < 18 || be16(&f[12]) != 0x8100) return false;
        const auto* s = static_cast<const rte_flow_item_vlan*>(item->spec);
        const auto* m = static_cast<const rte_flow_item_vlan*>(item->mask);
        if (!masked_equal(&s->hdr, &m->hdr, &f[14], 4)) return false;
        off = 16;
        break;
      }
      case RTE_FLOW_ITEM_TYPE_IPV4: {
        const size_t ip = off + 2;
        if (be16(&f[off]) != 0x0800 || f.size() < ip + 20) return false;
        const auto* s = static_cast<const rte_flow_item_ipv4*>(item->spec);
        const auto* m = static_cast<const rte_flow_item_ipv4*>(item->mask);
        if (!masked_equal(&s->hdr.dst_addr, &m->hdr.dst_addr, &f[ip + 16], 4)) return false;
        if ((s->hdr.next_proto_id & m->hdr.next_proto_id) != (f[ip + 9] & m->hdr.next_proto_id))
          return false;
        const uint16_t frag = be16(&f[ip + 6]) & rte_be_to_cpu_16(m->hdr.fragment_offset);
        const uint16_t lo = rte_be_to_cpu_16(s->hdr.fragment_offset & m->hdr.fragment_offset);
        const auto* last = static_cast<const rte_flow_item_ipv4*>(item->last);
        const uint16_t hi = last ? rte_be_to_cpu_16(last->hdr.fragment_offset) : lo;
        if (frag < lo || frag > hi) return false;
        l4_proto = f[ip + 9];
        l4 = ip + (f[ip] & 0x0F) * 4u;
        l4_present = (be16(&f[ip + 6]) & 0x1FFF) == 0;  // NICs parse L4 of unfragmented
        break;                                          // and first fragments only
      }
      case RTE_FLOW_ITEM_TYPE_IPV6: {
        const size_t ip = off + 2;
        if (be16(&f[off]) != 0x86DD || f.size() < ip + 40) return false;
        const auto* s = static_cast<const rte_flow_item_ipv6*>(item->spec);
        const auto* m = static_cast<const rte_flow_item_ipv6*>(item->mask);
        if (!masked_equal(s->hdr.dst_addr, m->hdr.dst_addr, &f[ip + 24], 16)) return false;
        if ((s->hdr.proto & m->hdr.proto) != (f[ip + 6] & m->hdr.proto)) return false;
        if (m->has_frag_ext && s->has_frag_ext != (f[ip + 6] == 44)) return false;
        l4_proto = f[ip + 6];
        l4 = ip + 40;
        l4_present = true;
        break;
      }
      case RTE_FLOW_ITEM_TYPE_UDP:
      case RTE_FLOW_ITEM_TYPE_TCP: {
        const uint8_t want = item->type == RTE_FLOW_ITEM_TYPE_UDP ? 17 : 6;
        if (!l4_present || l4_proto != want || f.size() < l4 + 4) return false;
        // Ports lead both headers; the items' specs start with them too.
        if (!masked_equal(item->spec, item->mask, &f[l4], 4)) return false;
        break;
      }
      default:
        ADD_FAILURE() << "item type " << item->type << " not read by this test";
        return false;
    }
  }
  return true;
}

TEST(FlowCorpus, TheHighestPriorityMatchingFlowIsTheSoftwareClassifiersRule) {
  const SteeringPolicy p = compile_steering_policy(
      {{*IpAddr::parse("10.0.0.1"), *IpAddr::parse("fd00::1")}, 4789, 10001});
  for (uint64_t generation : {0, 1}) {
    const auto flows = translate_to_flows(p, FlowTargets{}, generation);
    for (const test::CorpusFrame& c : test::steer_corpus(p.inputs)) {
      if (c.bytes.size() < 14) continue;  // no NIC delivers less than an Ethernet header
      const FlowSpec* best = nullptr;
      for (const auto& fl : flows)
        if (flow_matches(fl->pattern.data(), c.bytes) &&
            (!best || fl->attr.priority < best->attr.priority))
          best = fl.get();
      ASSERT_NE(best, nullptr) << c.label << ": no flow, not even the catch-all";
      const size_t rule = classify_frame(c.bytes, p);
      EXPECT_EQ(p.rules[best->rule].name, p.rules[rule].name) << c.label;
      EXPECT_EQ(p.rules[best->rule].match, p.rules[rule].match) << c.label;
      EXPECT_EQ(best->tagged, c.label.find("vlan") != std::string::npos &&
                                  c.label.find("two vlan") == std::string::npos &&
                                  p.rules[rule].match.l3 != L3Match::kAny)
          << c.label;
    }
  }
}

}  // namespace
}  // namespace vxsn
