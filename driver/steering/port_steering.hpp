// One DPDK port opened with the steering policy enforced, by the best enforcer it has:
//   af_xdp ports: the XDP program, its rule list filled from the policy;
//   ports whose PMD creates every rte_flow rule: the NIC (isolated mode where offered);
//   the rest (af_packet, ring, pcap; net_tap on a kernel without tc flower): software,
//   the datapath's classifier (which runs behind every enforcer anyway, the same list).
// The choice is logged when the port starts. Flows are flushed before the port closes.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "driver/dpdk/port.hpp"
#include "driver/steering/flow_enforcer.hpp"
#include "driver/steering/steering_policy.hpp"
#include "driver/steering/xdp_rules.hpp"

namespace vxsn {

enum class SteeringEnforcer { kRteFlow, kXdp, kSoftware };
const char* to_string(SteeringEnforcer e);

class PortSteering {
 public:
  // `policy` and `flow_api` outlive the object. Throws what DpdkPort::open throws, and
  // std::runtime_error when an af_xdp port's program cannot take the rules.
  static std::unique_ptr<PortSteering> open(PortConfig config, const SteeringPolicy& policy,
                                            FlowApi& flow_api);
  ~PortSteering();  // flows flushed, then the port closed
  PortSteering(const PortSteering&) = delete;
  PortSteering& operator=(const PortSteering&) = delete;

  DpdkPort& port() { return *port_; }
  SteeringEnforcer enforcer() const { return enforcer_; }
  // Why this enforcer: e.g. the PMD's refusal that left the port to software.
  const std::string& reason() const { return reason_; }
  bool isolated() const { return flows_ && flows_->isolated(); }
  // A new policy (a reload of the service addresses), make-before-break: rte_flow creates
  // the new flows before it destroys the old, XDP fills its idle bank and flips; software
  // has nothing on the port (the datapath's SteeringRules swap). False with the reason when
  // the enforcer refused: the old policy stays enforced.
  bool update(const SteeringPolicy& policy, std::string& why);
  // The enforcer's own hits per rule (rte_flow COUNT, XDP map); empty where it has none
  // (software: the datapath's classifier counts).
  std::vector<uint64_t> rule_hits() const;

 private:
  PortSteering() = default;
  void enforce_with_rte_flow(const SteeringPolicy& policy);

  FlowApi* flow_api_ = nullptr;
  std::unique_ptr<DpdkPort> port_;
  std::unique_ptr<FlowEnforcer> flows_;  // with kRteFlow (and during the attempt)
  std::unique_ptr<XdpSteering> xdp_;     // with kXdp
  SteeringEnforcer enforcer_ = SteeringEnforcer::kSoftware;
  std::string reason_;
};

}  // namespace vxsn
