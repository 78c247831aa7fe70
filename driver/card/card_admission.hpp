// Capacity admission: the part of a table the card can hold. A table past a capacity of the
// card's layout (VNIs, members, fan-out per VNI, distinct storm limits, the probe bound) is
// not refused whole: the card gets everything that fits and what does not is left out,
// counted by reason. So learning, registrations or a peer that push the table past the card
// never freeze it; the control plane goes on publishing and the operator sees what is
// missing (stats file, API, a warning in the log when it changes).
//
// Who stays: the VNIs the card already carries come first (a newcomer never evicts a VNI
// that is flooding), then the others in table order; a VNI is taken whole or not at all,
// except that a VNI with more members than the card's fan-out keeps its first
// card::kMaxMembersPerVni (flood order) and the rest are counted.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "driver/card/bank_serializer.hpp"

namespace vxsn {

// What one admission left out, by reason (a snapshot of the current table, not a total).
struct CardLeftOut {
  uint64_t vnis_no_slot = 0;           // the VNI table is full (card::kMaxVniSlots / 2)
  uint64_t vnis_no_member_room = 0;    // the member arena is full (card::kMaxMembers)
  uint64_t vnis_no_storm_profile = 0;  // no storm profile left for the VNI's limits
  uint64_t vnis_probe_bound = 0;       // left out so the rest fit within card::kMaxProbes
  uint64_t members_over_fanout = 0;    // members past a VNI's card::kMaxMembersPerVni
  uint64_t vnis() const {
    return vnis_no_slot + vnis_no_member_room + vnis_no_storm_profile + vnis_probe_bound;
  }
  bool any() const { return vnis() != 0 || members_over_fanout != 0; }
  bool operator==(const CardLeftOut&) const = default;
};

// Each reason with its count, named as the stats file and the API show them.
std::vector<std::pair<std::string, uint64_t>> left_out_by_reason(const CardLeftOut& l);

struct CardAdmission {
  CardTableSpec table;  // what the card gets, in the order of the table given
  CardLeftOut left_out;
};

// `resident(vni)`: the card carries `vni` now. Counter slots are not looked at (assign them
// to the admitted VNIs afterwards). The result always serialises (serialise_bank).
CardAdmission admit_to_card(CardTableSpec table, const std::function<bool(uint32_t)>& resident);

}  // namespace vxsn
