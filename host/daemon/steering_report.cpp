#include "host/daemon/steering_report.hpp"

namespace vxsn {
namespace {

nlohmann::json hits_json(const SteeringPolicy& policy, const std::vector<uint64_t>& hits) {
  nlohmann::json j = nlohmann::json::object();
  for (size_t i = 0; i < hits.size() && i < policy.rules.size(); ++i) {
    // Rules sharing a label (none today) add up rather than overwrite.
    const std::string label = steer_rule_label(policy.rules[i]);
    j[label] = j.value(label, uint64_t{0}) + hits[i];
  }
  return j;
}

}  // namespace

std::string steer_rule_label(const SteerRule& rule) {
  if (rule.match.dst.family == IpAddr::Family::kNone) return rule.name;
  return rule.name + " " + rule.match.dst.to_string();
}

nlohmann::json steering_json(const SteeringPolicy& policy,
                             const std::vector<std::unique_ptr<PortSteering>>& ports,
                             const std::vector<uint64_t>& software_hits) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& p : ports) {
    nlohmann::json port = {{"port", p->port().name()},
                           {"enforcer", to_string(p->enforcer())},
                           {"detail", p->reason()},
                           {"isolated", p->isolated()}};
    const std::vector<uint64_t> hits = p->rule_hits();
    if (!hits.empty()) port["rule_hits"] = hits_json(policy, hits);
    list.push_back(std::move(port));
  }
  return {{"ports", list}, {"software_rule_hits", hits_json(policy, software_hits)}};
}

}  // namespace vxsn
