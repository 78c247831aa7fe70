#include "driver/steering/flow_enforcer.hpp"

#include <spdlog/spdlog.h>

namespace vxsn {
namespace {

std::string flow_name(const SteeringPolicy& policy, const FlowSpec& f) {
  const SteerRule& r = policy.rules[f.rule];
  std::string name = r.name;
  if (r.match.dst.family != IpAddr::Family::kNone) name += " to " + r.match.dst.to_string();
  if (f.tagged) name += " (802.1Q)";
  return name;
}

}  // namespace

FlowEnforcer::FlowEnforcer(FlowApi& api, uint16_t port, FlowTargets targets)
    : api_(api), port_(port), targets_(std::move(targets)) {}

FlowEnforcer::~FlowEnforcer() {
  flush();
}

bool FlowEnforcer::request_isolation() {
  std::string error;
  targets_.isolated = api_.isolate(port_, true, error) == 0;
  if (!targets_.isolated) spdlog::debug("port {}: no rte_flow isolated mode: {}", port_, error);
  return targets_.isolated;
}

void FlowEnforcer::leave_isolation() {
  if (!targets_.isolated) return;
  std::string error;
  if (api_.isolate(port_, false, error) != 0) {
    spdlog::error("port {}: cannot leave rte_flow isolated mode: {}", port_, error);
    return;
  }
  targets_.isolated = false;
}

bool FlowEnforcer::validate_all(const SteeringPolicy& policy, uint64_t generation,
                                std::string& why) {
  for (const auto& f : translate_to_flows(policy, targets_, generation)) {
    std::string error;
    if (api_.validate(port_, f->attr, f->pattern.data(), f->actions.data(), error) != 0) {
      why = "rte_flow_validate refused '" + flow_name(policy, *f) + "': " + error;
      return false;
    }
  }
  return true;
}

bool FlowEnforcer::create_all(const SteeringPolicy& policy, uint64_t generation,
                              std::vector<Installed>& out, std::string& why) {
  for (auto& f : translate_to_flows(policy, targets_, generation)) {
    std::string error;
    FlowHandle h = api_.create(port_, f->attr, f->pattern.data(), f->actions.data(), error);
    if (h == nullptr) {
      why = "rte_flow_create refused '" + flow_name(policy, *f) + "': " + error;
      destroy_all(out);
      return false;
    }
    out.push_back(Installed{std::move(f), h});
  }
  return true;
}

void FlowEnforcer::destroy_all(std::vector<Installed>& flows) {
  for (Installed& f : flows) {
    std::string error;
    if (api_.destroy(port_, f.handle, error) != 0)
      spdlog::warn("port {}: rte_flow_destroy: {}", port_, error);
  }
  flows.clear();
}

bool FlowEnforcer::install(const SteeringPolicy& policy, std::string& why) {
  flush();
  // Counters where the PMD offers them: the same flows without COUNT otherwise.
  targets_.count = true;
  if (!validate_all(policy, generation_, why)) {
    targets_.count = false;
    if (!validate_all(policy, generation_, why)) return false;
  }
  if (!create_all(policy, generation_, flows_, why)) return false;
  rule_count_ = policy.rules.size();
  return true;
}

bool FlowEnforcer::replace(const SteeringPolicy& policy, std::string& why) {
  const uint64_t next = generation_ + 1;
  if (!validate_all(policy, next, why)) return false;
  std::vector<Installed> fresh;
  if (!create_all(policy, next, fresh, why)) return false;
  destroy_all(flows_);  // only now: the new flows already carry the traffic
  flows_ = std::move(fresh);
  generation_ = next;
  rule_count_ = policy.rules.size();
  return true;
}

void FlowEnforcer::flush() {
  const bool had_flows = !flows_.empty();
  destroy_all(flows_);
  if (!had_flows) return;
  std::string error;
  if (api_.flush(port_, error) != 0) spdlog::warn("port {}: rte_flow_flush: {}", port_, error);
}

std::vector<uint64_t> FlowEnforcer::rule_hits() {
  if (!targets_.count || flows_.empty()) return {};
  std::vector<uint64_t> hits(rule_count_, 0);
  for (const Installed& f : flows_) {
    uint64_t n = 0;
    std::string error;
    if (api_.query_count(port_, f.handle, n, error) == 0) hits[f.spec->rule] += n;
  }
  return hits;
}

}  // namespace vxsn
