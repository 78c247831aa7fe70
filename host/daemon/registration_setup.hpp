// The registration component's settings from the config: VTEPs register (vxfld protocol,
// UDP 10001) on the service addresses, so they reach whichever node the anycast address
// leads them to; the kernel (not the datapath) gets UDP 10001.
#pragma once

#include <memory>

#include "host/config/config.hpp"
#include "host/registration/registration_server.hpp"
#include "host/table/table_manager.hpp"

namespace vxsn {

RegistrationLimits registration_limits(const Config& c);

// Started and listening; throws std::runtime_error when it cannot bind.
std::unique_ptr<RegistrationServer> start_registration_server(const Config& c, TableManager& table);

// A reload's new allow-list and limits.
void reconfigure_registration(RegistrationServer& server, const Config& c);

}  // namespace vxsn
