// The steering policy enforced by the NIC through rte_flow, on one port: validate, then
// create every flow; isolated mode requested where the PMD offers it (a bifurcated NIC's
// kernel keeps what no rule claims); make-before-break replacement; flush on exit. Every
// rte_flow call goes through the FlowApi seam.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "driver/steering/flow_api.hpp"
#include "driver/steering/flow_rules.hpp"

namespace vxsn {

class FlowEnforcer {
 public:
  FlowEnforcer(FlowApi& api, uint16_t port, FlowTargets targets);
  ~FlowEnforcer();  // flush()
  FlowEnforcer(const FlowEnforcer&) = delete;
  FlowEnforcer& operator=(const FlowEnforcer&) = delete;

  // Before the port starts (PMDs change isolation only on a stopped port). Whether the PMD
  // granted it; the flows then send host traffic with SEND_TO_KERNEL.
  bool request_isolation();
  // On a stopped port, after an install failed: the PMD's default receive path again.
  void leave_isolation();

  // Validates every flow of `policy` (with COUNT, else without), then creates them. False,
  // with the PMD's reason in `why`, when any is refused: nothing stays installed.
  bool install(const SteeringPolicy& policy, std::string& why);
  // Make-before-break: the new policy's flows are created beside the old ones (the other
  // priority of each tier), then the old are destroyed. When a new flow is refused the new
  // ones are destroyed and the old policy stays: there is no moment without VXLAN rules.
  bool replace(const SteeringPolicy& policy, std::string& why);
  // Destroys every flow, then rte_flow_flush as a backstop.
  void flush();

  bool isolated() const { return targets_.isolated; }
  bool counting() const { return targets_.count; }
  size_t flow_count() const { return flows_.size(); }
  // COUNT hits per rule of the installed policy (both VLAN forms summed); empty when the
  // flows have no counters.
  std::vector<uint64_t> rule_hits();

 private:
  struct Installed {
    std::unique_ptr<FlowSpec> spec;
    FlowHandle handle = nullptr;
  };
  bool validate_all(const SteeringPolicy& policy, uint64_t generation, std::string& why);
  bool create_all(const SteeringPolicy& policy, uint64_t generation, std::vector<Installed>& out,
                  std::string& why);
  void destroy_all(std::vector<Installed>& flows);

  FlowApi& api_;
  uint16_t port_;
  FlowTargets targets_;
  uint64_t generation_ = 0;
  size_t rule_count_ = 0;
  std::vector<Installed> flows_;
};

}  // namespace vxsn
