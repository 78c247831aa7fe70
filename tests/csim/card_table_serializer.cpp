#include "tests/csim/card_table_serializer.hpp"

#include <bit>
#include <cstring>
#include <stdexcept>
#include <string>

#include "hls/counter_layout.hpp"
#include "hls/table_layout.hpp"

namespace vxsn::csim {
namespace {

void put_le16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v);
  p[1] = static_cast<uint8_t>(v >> 8);
}
void put_le32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
void put_le64(uint8_t* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

struct SlotPlan {
  std::vector<int32_t> entry_of_slot;  // -1: empty
  uint32_t slot_count = 0;
  unsigned shift = 0;
  unsigned max_probe = 0;
};

// Smallest power-of-two table (>= 16 slots, >= 2x the VNIs) whose longest probe sequence
// fits kMaxProbes.
SlotPlan plan_slots(const std::span<const VniEntry> entries) {
  for (uint32_t slots = std::max<uint32_t>(16, std::bit_ceil(uint32_t(entries.size() * 2)));
       slots <= card::kMaxVniSlots; slots *= 2) {
    SlotPlan p;
    p.slot_count = slots;
    p.shift = 32 - static_cast<unsigned>(std::countr_zero(slots));
    p.entry_of_slot.assign(slots, -1);
    p.max_probe = 1;
    for (size_t i = 0; i < entries.size(); ++i) {
      uint32_t s = card::vni_home_slot(entries[i].vni, p.shift, slots - 1);
      unsigned probes = 1;
      while (p.entry_of_slot[s] >= 0) {
        s = (s + 1) & (slots - 1);
        ++probes;
      }
      p.entry_of_slot[s] = static_cast<int32_t>(i);
      p.max_probe = std::max(p.max_probe, probes);
    }
    if (p.max_probe <= card::kMaxProbes) return p;
  }
  throw std::invalid_argument("card table: " + std::to_string(entries.size()) +
                              " VNIs do not fit the VNI table");
}

}  // namespace

std::vector<uint8_t> serialize_bank(const FloodTable& table, const CounterSlotOf& slot_of) {
  const auto entries = table.entries();
  const auto ports = table.egress_ports();
  std::vector<uint8_t> bank(card::kBankBytes, 0);
  const SlotPlan plan = plan_slots(entries);

  // Members, contiguous per VNI in table order; remember where each VNI starts.
  std::vector<uint32_t> first_member(entries.size());
  uint32_t next = 0;
  for (size_t e = 0; e < entries.size(); ++e) {
    const VniEntry& entry = entries[e];
    if (entry.members.size() > card::kMaxMembersPerVni)
      throw std::invalid_argument("card table: VNI " + std::to_string(entry.vni) + " has " +
                                  std::to_string(entry.members.size()) + " members, max " +
                                  std::to_string(card::kMaxMembersPerVni));
    if (next + entry.members.size() > card::kMaxMembers)
      throw std::invalid_argument("card table: more than " + std::to_string(card::kMaxMembers) +
                                  " members");
    first_member[e] = next;
    for (const Member& m : entry.members) {
      uint8_t* r = bank.data() + card::kMemberArenaOffset + size_t{next} * card::kMemberRecordBytes;
      std::memcpy(r + card::kMemTemplate, m.outer.data(), m.outer.size());
      r[card::kMemFamily] = m.addr.is_v4() ? card::kFamilyV4 : card::kFamilyV6;
      r[card::kMemFlags] = (m.resolved ? card::kMemberFlagResolved : 0) |
                           (m.has_own_source ? card::kMemberFlagOwnSource : 0);
      std::memcpy(r + card::kMemAddr, m.addr.bytes.data(), 16);
      put_le32(r + card::kMemFixedSum, m.fixed_sum);
      put_le32(r + card::kMemOwnSourceSum, m.own_source_sum);
      const uint32_t max_frame =
          m.egress_port < ports.size() ? ports[m.egress_port].max_frame_len : 0;
      put_le32(r + card::kMemEgressMaxFrame, max_frame);
      put_le16(r + card::kMemEgressPort, m.egress_port);
      ++next;
    }
  }

  for (uint32_t s = 0; s < plan.slot_count; ++s) {
    uint8_t* r = bank.data() + card::kVniTableOffset + size_t{s} * card::kVniRecordBytes;
    const int32_t e = plan.entry_of_slot[s];
    if (e < 0) {
      put_le32(r + card::kVniRecVni, card::kEmptyVniSlot);
      continue;
    }
    const VniEntry& entry = entries[e];
    const uint16_t slot = slot_of(entry);
    if (slot != card::kNoCounterSlot && slot >= card::kMaxVniCounterSlots)
      throw std::invalid_argument("card table: counter slot out of range");
    put_le32(r + card::kVniRecVni, entry.vni);
    put_le32(r + card::kVniRecFirstMember, first_member[e]);
    put_le16(r + card::kVniRecMemberCount, static_cast<uint16_t>(entry.members.size()));
    put_le16(r + card::kVniRecCounterSlot, slot);
    r[card::kVniRecFlags] = entry.has_ipv6_member ? card::kVniFlagHasIpv6Member : 0;
  }

  uint8_t* h = bank.data();
  put_le32(h + card::kHdrMagic, card::kTableMagic);
  put_le16(h + card::kHdrLayoutVersion, card::kLayoutVersion);
  put_le64(h + card::kHdrTableVersion, table.version());
  put_le32(h + card::kHdrVniSlotCount, plan.slot_count);
  put_le32(h + card::kHdrMemberCount, next);
  h[card::kHdrSourceMode] = table.params().source_mode == SourceIpMode::kKeepOriginal
                                ? card::kSourceKeepOriginal
                                : card::kSourceOwn;
  h[card::kHdrHashShift] = static_cast<uint8_t>(plan.shift);
  h[card::kHdrMaxProbe] = static_cast<uint8_t>(plan.max_probe);
  return bank;
}

}  // namespace vxsn::csim
