#include "driver/card/card_admission.hpp"

#include <algorithm>
#include <set>
#include <utility>
#include <vector>

#include "hls/table_layout.hpp"

namespace vxsn {
namespace {

using RateKey = std::pair<uint64_t, uint64_t>;

RateKey rate_key(const PolicerRate& r) {
  return {r.frames_per_s, r.bytes_per_s};
}

}  // namespace

std::vector<std::pair<std::string, uint64_t>> left_out_by_reason(const CardLeftOut& l) {
  return {{"vnis_no_slot", l.vnis_no_slot},
          {"vnis_no_member_room", l.vnis_no_member_room},
          {"vnis_no_storm_profile", l.vnis_no_storm_profile},
          {"vnis_probe_bound", l.vnis_probe_bound},
          {"members_over_fanout", l.members_over_fanout}};
}

CardAdmission admit_to_card(CardTableSpec table, const std::function<bool(uint32_t)>& resident) {
  CardAdmission out;
  // Residents first, each group in table order.
  std::vector<size_t> order(table.vnis.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_partition(order.begin(), order.end(),
                        [&](size_t i) { return resident && resident(table.vnis[i].vni); });

  std::vector<bool> admitted(table.vnis.size(), false);
  size_t vnis = 0, members = 0;
  std::set<RateKey> profiles;
  for (size_t i : order) {
    CardVniSpec& v = table.vnis[i];
    if (v.members.size() > card::kMaxMembersPerVni) {
      out.left_out.members_over_fanout += v.members.size() - card::kMaxMembersPerVni;
      v.members.resize(card::kMaxMembersPerVni);
    }
    if (vnis == card::kMaxVniSlots / 2) {
      ++out.left_out.vnis_no_slot;
      continue;
    }
    if (members + v.members.size() > card::kMaxMembers) {
      ++out.left_out.vnis_no_member_room;
      continue;
    }
    if (v.storm.limits() && !profiles.count(rate_key(v.storm)) &&
        profiles.size() == card::kMaxPolicerProfiles - 1) {
      ++out.left_out.vnis_no_storm_profile;
      continue;
    }
    if (v.storm.limits()) profiles.insert(rate_key(v.storm));
    admitted[i] = true;
    ++vnis;
    members += v.members.size();
  }

  // The probe bound depends on how the VNIs hash; at half the slots it practically always
  // holds. If not, the last-admitted newcomers go until it does (each try is one plan).
  for (;;) {
    CardTableSpec candidate;
    candidate.version = table.version;
    candidate.own_source = table.own_source;
    candidate.per_vtep = table.per_vtep;
    candidate.burst_ns = table.burst_ns;
    for (size_t i = 0; i < table.vnis.size(); ++i)
      if (admitted[i]) candidate.vnis.push_back(table.vnis[i]);
    if (fits_card_slots(candidate)) {
      out.table = std::move(candidate);
      return out;
    }
    auto last = std::find_if(order.rbegin(), order.rend(), [&](size_t i) { return admitted[i]; });
    admitted[*last] = false;
    ++out.left_out.vnis_probe_bound;
  }
}

}  // namespace vxsn
