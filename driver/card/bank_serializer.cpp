#include "driver/card/bank_serializer.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <map>
#include <optional>
#include <string>

#include "driver/card/card_memory.hpp"
#include "hls/counter_layout.hpp"
#include "hls/table_layout.hpp"

namespace vxsn {
namespace {

[[noreturn]] void too_large(const std::string& what) {
  throw CardError(CardError::Kind::kTableTooLarge, "card table: " + what);
}

struct SlotPlan {
  std::vector<int32_t> entry_of_slot;  // -1: empty
  uint32_t slot_count = 0;
  unsigned shift = 0;
  unsigned max_probe = 0;
};

// Smallest power-of-two VNI table (>= 16 slots, >= 2x the VNIs, so lookups stay short)
// whose longest probe sequence fits kMaxProbes: the kernel's lookup loop has that bound.
// Nothing when there is none.
std::optional<SlotPlan> try_plan_slots(const std::vector<CardVniSpec>& vnis) {
  if (vnis.size() > card::kMaxVniSlots / 2) return std::nullopt;
  for (uint32_t slots = std::max<uint32_t>(16, std::bit_ceil(uint32_t(vnis.size() * 2)));
       slots <= card::kMaxVniSlots; slots *= 2) {
    SlotPlan p;
    p.slot_count = slots;
    p.shift = 32 - static_cast<unsigned>(std::countr_zero(slots));
    p.entry_of_slot.assign(slots, -1);
    p.max_probe = 1;
    for (size_t i = 0; i < vnis.size(); ++i) {
      uint32_t s = card::vni_home_slot(vnis[i].vni, p.shift, slots - 1);
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
  return std::nullopt;
}

SlotPlan plan_slots(const std::vector<CardVniSpec>& vnis) {
  if (vnis.size() > card::kMaxVniSlots / 2)
    too_large(std::to_string(vnis.size()) + " VNIs, max " + std::to_string(card::kMaxVniSlots / 2));
  if (auto plan = try_plan_slots(vnis)) return std::move(*plan);
  too_large(std::to_string(vnis.size()) + " VNIs do not fit the VNI table within " +
            std::to_string(card::kMaxProbes) + " probes");
}

void write_member(uint8_t* r, const CardMemberSpec& m) {
  std::memcpy(r + card::kMemTemplate, m.outer.data(), m.outer.size());
  r[card::kMemFamily] = m.addr.is_v4() ? card::kFamilyV4 : card::kFamilyV6;
  r[card::kMemFlags] = (m.resolved ? card::kMemberFlagResolved : 0) |
                       (m.has_own_source ? card::kMemberFlagOwnSource : 0);
  std::memcpy(r + card::kMemAddr, m.addr.bytes.data(), 16);
  put_le32(r + card::kMemFixedSum, m.fixed_sum);
  put_le32(r + card::kMemOwnSourceSum, m.own_source_sum);
  put_le32(r + card::kMemEgressMaxFrame, m.egress_max_frame);
  put_le16(r + card::kMemEgressPort, m.egress_port);
}

// Distinct per-VNI storm limits become profiles 1.. (0 = no limit); VNIs with the same
// limits share one, so the card holds any number of VNIs with a few hundred distinct limits.
struct ProfilePlan {
  std::vector<PolicerRate> profiles{PolicerRate{}};  // index 0: no limit, never read
  std::vector<uint8_t> profile_of_vni;               // by position in table.vnis
};

ProfilePlan plan_profiles(const std::vector<CardVniSpec>& vnis) {
  ProfilePlan p;
  std::map<std::pair<uint64_t, uint64_t>, uint8_t> index;
  p.profile_of_vni.reserve(vnis.size());
  for (const CardVniSpec& v : vnis) {
    if (!v.storm.limits()) {
      p.profile_of_vni.push_back(0);
      continue;
    }
    const auto key = std::make_pair(v.storm.frames_per_s, v.storm.bytes_per_s);
    auto it = index.find(key);
    if (it == index.end()) {
      if (p.profiles.size() >= card::kMaxPolicerProfiles)
        too_large("more than " + std::to_string(card::kMaxPolicerProfiles - 1) +
                  " distinct per-VNI storm limits");
      it = index.emplace(key, static_cast<uint8_t>(p.profiles.size())).first;
      p.profiles.push_back(v.storm);
    }
    p.profile_of_vni.push_back(it->second);
  }
  return p;
}

}  // namespace

bool fits_card_slots(const CardTableSpec& table) {
  return try_plan_slots(table.vnis).has_value();
}

std::vector<uint8_t> serialise_bank(const CardTableSpec& table) {
  // Every capacity is checked before the image is built, let alone written anywhere.
  size_t total_members = 0;
  for (const CardVniSpec& v : table.vnis) {
    if (v.members.size() > card::kMaxMembersPerVni)
      too_large("VNI " + std::to_string(v.vni) + " has " + std::to_string(v.members.size()) +
                " members, max " + std::to_string(card::kMaxMembersPerVni));
    if (v.counter_slot != card::kNoCounterSlot && v.counter_slot >= card::kMaxVniCounterSlots)
      too_large("VNI " + std::to_string(v.vni) + " counter slot " + std::to_string(v.counter_slot) +
                " out of range");
    total_members += v.members.size();
  }
  if (total_members > card::kMaxMembers)
    too_large(std::to_string(total_members) + " members, max " + std::to_string(card::kMaxMembers));
  const SlotPlan plan = plan_slots(table.vnis);
  const ProfilePlan profiles = plan_profiles(table.vnis);

  std::vector<uint8_t> bank(card::kBankBytes, 0);
  // Members, contiguous per VNI in table order; remember where each VNI starts.
  std::vector<uint32_t> first_member(table.vnis.size());
  uint32_t next = 0;
  for (size_t e = 0; e < table.vnis.size(); ++e) {
    first_member[e] = next;
    for (const CardMemberSpec& m : table.vnis[e].members)
      write_member(
          bank.data() + card::kMemberArenaOffset + size_t{next++} * card::kMemberRecordBytes, m);
  }

  for (uint32_t s = 0; s < plan.slot_count; ++s) {
    uint8_t* r = bank.data() + card::kVniTableOffset + size_t{s} * card::kVniRecordBytes;
    const int32_t e = plan.entry_of_slot[s];
    if (e < 0) {
      put_le32(r + card::kVniRecVni, card::kEmptyVniSlot);
      continue;
    }
    const CardVniSpec& v = table.vnis[e];
    put_le32(r + card::kVniRecVni, v.vni);
    put_le32(r + card::kVniRecFirstMember, first_member[e]);
    put_le16(r + card::kVniRecMemberCount, static_cast<uint16_t>(v.members.size()));
    put_le16(r + card::kVniRecCounterSlot, v.counter_slot);
    r[card::kVniRecFlags] = v.has_ipv6_member ? card::kVniFlagHasIpv6Member : 0;
    r[card::kVniRecSourceCheck] = v.source_check;
    r[card::kVniRecPolicerProfile] = profiles.profile_of_vni[e];
  }
  for (size_t i = 1; i < profiles.profiles.size(); ++i) {
    uint8_t* r = bank.data() + card::kPolicerProfileOffset + i * card::kPolicerProfileBytes;
    put_le64(r + card::kProfFramesPerS, profiles.profiles[i].frames_per_s);
    put_le64(r + card::kProfBytesPerS, profiles.profiles[i].bytes_per_s);
  }

  uint8_t* h = bank.data();
  put_le32(h + card::kHdrMagic, card::kTableMagic);
  put_le16(h + card::kHdrLayoutVersion, card::kLayoutVersion);
  put_le64(h + card::kHdrTableVersion, table.version);
  put_le32(h + card::kHdrVniSlotCount, plan.slot_count);
  put_le32(h + card::kHdrMemberCount, next);
  h[card::kHdrSourceMode] = table.own_source ? card::kSourceOwn : card::kSourceKeepOriginal;
  h[card::kHdrHashShift] = static_cast<uint8_t>(plan.shift);
  h[card::kHdrMaxProbe] = static_cast<uint8_t>(plan.max_probe);
  put_le64(h + card::kHdrBurstNs, table.burst_ns);
  put_le64(h + card::kHdrVtepFramesPerS, table.per_vtep.frames_per_s);
  put_le64(h + card::kHdrVtepBytesPerS, table.per_vtep.bytes_per_s);
  return bank;
}

}  // namespace vxsn
