// What the steering policy is compiled from, taken from the config: the service
// addresses, the VXLAN port and the registration port (the daemon always runs the
// registration server on the service addresses).
#pragma once

#include "driver/steering/steering_policy.hpp"
#include "host/config/config.hpp"

namespace vxsn {

SteeringInputs steering_inputs_of(const Config& config);

}  // namespace vxsn
