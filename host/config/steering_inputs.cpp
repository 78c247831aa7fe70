#include "host/config/steering_inputs.hpp"

#include "host/registration/refresh_message.hpp"

namespace vxsn {

SteeringInputs steering_inputs_of(const Config& c) {
  return SteeringInputs{c.service_addresses, c.vxlan_port, kRegistrationPort};
}

}  // namespace vxsn
