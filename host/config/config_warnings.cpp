#include "host/config/config_warnings.hpp"

#include <algorithm>

namespace vxsn {

std::vector<std::string> config_warnings(const Config& c) {
  std::vector<std::string> out;
  const bool any_learning =
      c.table.learning || std::any_of(c.learning.begin(), c.learning.end(),
                                      [](const LearningRule& r) { return r.enabled; });
  const bool anyone_allowed = c.allow.empty() && c.table.allow_unlisted_vnis;
  const bool all_strict =
      c.table.source_check == SourceCheck::kStrict &&
      std::all_of(c.source_check.begin(), c.source_check.end(),
                  [](const SourceCheckRule& r) { return r.mode == SourceCheck::kStrict; });
  if (any_learning && anyone_allowed && !all_strict)
    out.push_back(
        "learning is on with no [[allow]] rule: any host that can reach the service address "
        "can join an existing VNI and receive its floods; add [[allow]] prefixes, set "
        "table.unlisted_vnis = \"deny\", or use source_check = \"strict\"");
  const bool any_open =
      c.table.source_check == SourceCheck::kOpen ||
      std::any_of(c.source_check.begin(), c.source_check.end(),
                  [](const SourceCheckRule& r) { return r.mode == SourceCheck::kOpen; });
  if (any_open)
    out.push_back(
        "source_check \"open\": frames from any sender are replicated to the members of "
        "those VNIs, members or not");
  const bool any_check =
      c.table.source_check != SourceCheck::kOpen ||
      std::any_of(c.source_check.begin(), c.source_check.end(),
                  [](const SourceCheckRule& r) { return r.mode != SourceCheck::kOpen; });
  const bool any_storm = c.storm.per_vni.limits() || c.storm.per_vtep.limits() ||
                         std::any_of(c.storm.rules.begin(), c.storm.rules.end(),
                                     [](const StormRule& r) { return r.rate.limits(); });
  if (c.datapath != "software" && (any_check || any_storm))
    out.push_back("datapath \"" + c.datapath +
                  "\": the card's kernels do not apply source_check or storm_control yet; "
                  "they replicate from any sender, unpoliced (use datapath.mode = "
                  "\"software\" to enforce them)");
  return out;
}

}  // namespace vxsn
