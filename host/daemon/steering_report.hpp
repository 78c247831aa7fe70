// The steering counters as JSON for the stats file: per port its enforcer and the
// enforcer's own hits per rule (rte_flow COUNT, the XDP program's map), and the software
// classifier's hits per rule (every port, in front of the datapath).
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

#include "driver/steering/port_steering.hpp"

namespace vxsn {

// "vxlan 10.0.0.1", "arp", "host-default": a rule as counters name it.
std::string steer_rule_label(const SteerRule& rule);

nlohmann::json steering_json(const SteeringPolicy& policy,
                             const std::vector<std::unique_ptr<PortSteering>>& ports,
                             const std::vector<uint64_t>& software_hits);

}  // namespace vxsn
