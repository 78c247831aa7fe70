#include "host/table/allow_list.hpp"

#include <algorithm>

namespace vxsn {

AllowList::AllowList(std::vector<AllowRule> rules, bool allow_unlisted_vnis)
    : rules_(std::move(rules)), allow_unlisted_vnis_(allow_unlisted_vnis) {}

AllowList AllowList::from_config(const Config& config) {
  return AllowList(config.allow, config.table.allow_unlisted_vnis);
}

bool AllowList::allows(uint32_t vni, const IpAddr& addr) const {
  bool covered = false;
  for (const AllowRule& rule : rules_) {
    if (!rule.vnis.contains(vni)) continue;
    covered = true;
    for (const IpPrefix& p : rule.prefixes)
      if (p.contains(addr)) return true;
  }
  return !covered && allow_unlisted_vnis_;
}

bool AllowList::covers(uint32_t vni) const {
  return std::any_of(rules_.begin(), rules_.end(),
                     [vni](const AllowRule& r) { return r.vnis.contains(vni); });
}

LearningPolicy::LearningPolicy(std::vector<LearningRule> rules, bool default_enabled)
    : rules_(std::move(rules)), default_enabled_(default_enabled) {}

LearningPolicy LearningPolicy::from_config(const Config& config) {
  return LearningPolicy(config.learning, config.table.learning);
}

bool LearningPolicy::enabled(uint32_t vni) const {
  for (auto it = rules_.rbegin(); it != rules_.rend(); ++it)
    if (it->vnis.contains(vni)) return it->enabled;
  return default_enabled_;
}

}  // namespace vxsn
