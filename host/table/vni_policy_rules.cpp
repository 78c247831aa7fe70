#include "host/table/vni_policy_rules.hpp"

namespace vxsn {
namespace {

// The value of the last rule covering `vni`, else `fallback`.
template <class Rule, class Value, class Get>
Value last_covering(const std::vector<Rule>& rules, uint32_t vni, Value fallback, Get get) {
  for (auto it = rules.rbegin(); it != rules.rend(); ++it)
    if (it->vnis.contains(vni)) return get(*it);
  return fallback;
}

}  // namespace

VniPolicyRules::VniPolicyRules(const Config& config)
    : default_check_(config.table.source_check),
      checks_(config.source_check),
      default_storm_(config.storm.per_vni),
      storms_(config.storm.rules) {}

VniPolicy VniPolicyRules::for_vni(uint32_t vni) const {
  VniPolicy p;
  p.source_check =
      last_covering(checks_, vni, default_check_, [](const SourceCheckRule& r) { return r.mode; });
  p.storm = last_covering(storms_, vni, default_storm_, [](const StormRule& r) { return r.rate; });
  return p;
}

}  // namespace vxsn
