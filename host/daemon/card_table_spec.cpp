#include "host/daemon/card_table_spec.hpp"

#include "hls/counter_layout.hpp"
#include "hls/table_layout.hpp"

namespace vxsn {
namespace {

uint8_t card_source_check(SourceCheck s) {
  switch (s) {
    case SourceCheck::kStrict:
      return card::kSourceCheckStrict;
    case SourceCheck::kLearn:
      return card::kSourceCheckLearn;
    case SourceCheck::kOpen:
      return card::kSourceCheckOpen;
  }
  return card::kSourceCheckStrict;  // an unknown mode refuses rather than floods
}

}  // namespace

CardTableSpec card_table_spec(const FloodTable& table, const CounterSlotOf& slot_of) {
  const auto ports = table.egress_ports();
  CardTableSpec spec;
  spec.version = table.version();
  spec.own_source = table.params().source_mode == SourceIpMode::kOwnAddress;
  spec.per_vtep = table.params().storm.per_vtep;
  spec.burst_ns = table.params().storm.burst_ns;
  spec.vnis.reserve(table.vni_count());
  for (const VniEntry* e : table.sorted_entries()) {
    const VniEntry& entry = *e;
    CardVniSpec v;
    v.vni = entry.vni;
    v.counter_slot = slot_of ? slot_of(entry) : card::kNoCounterSlot;
    v.has_ipv6_member = entry.has_ipv6_member;
    v.source_check = card_source_check(entry.policy.source_check);
    v.storm = entry.policy.storm;
    v.members.reserve(entry.members.size());
    for (const Member& m : entry.members) {
      CardMemberSpec c;
      c.addr = m.addr;
      c.resolved = m.resolved;
      c.has_own_source = m.has_own_source;
      c.egress_port = m.egress_port;
      // A member on a port the table does not list cannot be sent: nothing fits.
      c.egress_max_frame = m.egress_port < ports.size() ? ports[m.egress_port].max_frame_len : 0;
      c.outer = m.outer;
      c.fixed_sum = m.fixed_sum;
      c.own_source_sum = m.own_source_sum;
      v.members.push_back(c);
    }
    spec.vnis.push_back(std::move(v));
  }
  return spec;
}

std::vector<uint8_t> card_bank_image(const FloodTable& table, const CounterSlotOf& slot_of) {
  return serialise_bank(card_table_spec(table, slot_of));
}

}  // namespace vxsn
