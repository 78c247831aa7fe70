// A reload that changes node.service_addresses, applied to the running node without a
// restart, make-before-break at every step so an address kept throughout never loses a
// frame:
//   1. the registration server binds the new addresses before it closes the old ones;
//   2. each port's enforcer takes the new rule list (rte_flow: new flows created before the
//      old are destroyed; XDP: the idle bank filled, then flipped);
//   3. the datapath's classifier (and the parser's or the card's address check) swaps to
//      the new list under RCU.
// When a step is refused, the steps done are undone and the running addresses stay.
// Not followed here (the operator's): addresses on the kernel path's TAP or on lo, and the
// anycast announcer's commands (vxsn-health).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "driver/steering/port_steering.hpp"
#include "driver/steering/steering_policy.hpp"
#include "host/daemon/forwarding.hpp"
#include "host/registration/registration_server.hpp"

namespace vxsn {

struct ServiceAddressParts {
  std::vector<std::unique_ptr<PortSteering>>& ports;
  Forwarding& forwarding;
  RegistrationServer* registration = nullptr;  // null: not running
};

// Returns the policy now enforced (`running`'s, with `addresses`). Throws ConfigError from
// `source` naming node.service_addresses and the part that refused; every part then
// enforces `running` again.
SteeringPolicy change_service_addresses(const SteeringPolicy& running,
                                        const std::vector<IpAddr>& addresses,
                                        ServiceAddressParts parts, const std::string& source);

}  // namespace vxsn
