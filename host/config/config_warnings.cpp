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
  return out;
}

}  // namespace vxsn
