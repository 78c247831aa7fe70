// Which addresses may be a member of a VNI: the one rule the config file, the management API
// and the registration server all apply. A member is a VTEP the node sends copies to, so it
// must name one remote unicast host: never "nobody" (unspecified), the node itself
// (loopback), a group (multicast) or a broadcast.
#pragma once

#include <optional>
#include <string>

#include "driver/net_types.hpp"

namespace vxsn {

// Why `address` cannot be a member ("a loopback address", ...), or nullopt if it can.
// IPv4-mapped IPv6 is judged as the IPv4 address it maps (callers store the normalised form).
std::optional<std::string> member_address_problem(const IpAddr& address);

}  // namespace vxsn
