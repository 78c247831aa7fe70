#include "host/daemon/registration_setup.hpp"

#include <spdlog/spdlog.h>

#include <stdexcept>

#include "host/table/allow_list.hpp"

namespace vxsn {

RegistrationLimits registration_limits(const Config& c) {
  RegistrationLimits l;
  l.reply_holdtime_s = c.table.holdtime_s;
  l.max_holdtime_s = c.table.max_holdtime_s;
  l.quota = {c.table.max_registrations_per_identifier, c.table.max_registrations_per_source,
             c.table.max_entries};
  l.max_reply_factor = c.table.registration_reply_factor;
  return l;
}

std::unique_ptr<RegistrationServer> start_registration_server(const Config& c,
                                                              TableManager& table) {
  RegistrationServerConfig rc;
  rc.listen_addresses = c.service_addresses;
  rc.limits = registration_limits(c);
  // Whole datagrams per requester: bounds how far spoofed queries amplify into replies.
  rc.rate = RateLimit{50, 200};
  auto server = std::make_unique<RegistrationServer>(table, rc);
  server->set_allow_list(std::make_shared<AllowList>(AllowList::from_config(c)));
  std::string error;
  if (!server->start(&error))
    throw std::runtime_error("registration server on UDP " + std::to_string(rc.port) + ": " +
                             error);
  spdlog::info("registration server listening on UDP {}", server->port());
  return server;
}

void reconfigure_registration(RegistrationServer& server, const Config& c) {
  server.set_allow_list(std::make_shared<AllowList>(AllowList::from_config(c)));
  server.set_limits(registration_limits(c));
}

}  // namespace vxsn
