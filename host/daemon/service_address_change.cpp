#include "host/daemon/service_address_change.hpp"

#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <functional>

#include "host/config/config.hpp"

namespace vxsn {
namespace {

std::string address_list(const std::vector<IpAddr>& addresses) {
  std::vector<std::string> text;
  for (const IpAddr& a : addresses) text.push_back(a.to_string());
  return fmt::format("{}", fmt::join(text, ", "));
}

// The steps done so far, undone in reverse when a later one is refused.
class Undo {
 public:
  void push(std::function<void()> step) { steps_.push_back(std::move(step)); }
  void run() {
    for (auto it = steps_.rbegin(); it != steps_.rend(); ++it) (*it)();
  }

 private:
  std::vector<std::function<void()>> steps_;
};

}  // namespace

SteeringPolicy change_service_addresses(const SteeringPolicy& running,
                                        const std::vector<IpAddr>& addresses,
                                        ServiceAddressParts parts, const std::string& source) {
  SteeringInputs inputs = running.inputs;  // the VXLAN port changes only on restart
  inputs.service_addresses = addresses;
  const std::string key = "node.service_addresses";
  SteeringPolicy policy;
  try {
    policy = compile_steering_policy(inputs);
  } catch (const std::invalid_argument& e) {
    throw ConfigError(source, 0, key, e.what());
  }
  Undo undo;
  auto refuse = [&](const std::string& why) {
    undo.run();
    throw ConfigError(source, 0, key,
                      why + "; the running addresses stay (" +
                          address_list(running.inputs.service_addresses) + ")");
  };

  if (parts.registration) {
    RegistrationServer& r = *parts.registration;
    const std::vector<IpAddr> old = r.listen_addresses();
    std::string error;
    if (!r.set_listen_addresses(addresses, &error)) refuse("registration server: " + error);
    undo.push([&r, old] {
      std::string ignored;
      r.set_listen_addresses(old, &ignored);
    });
  }
  for (size_t i = 0; i < parts.ports.size(); ++i) {
    PortSteering& p = *parts.ports[i];
    std::string why;
    if (!p.update(policy, why))
      refuse("port " + std::to_string(i) + " (" + p.port().name() + ", " + to_string(p.enforcer()) +
             " steering): " + why);
    undo.push([&p, &running] {
      std::string ignored;
      if (!p.update(running, ignored))
        spdlog::error("port {}: the old steering rules could not be restored: {}", p.port().name(),
                      ignored);
    });
  }
  if (const std::string why = parts.forwarding.change_steering(policy); !why.empty())
    refuse("datapath: " + why);

  spdlog::info("reload: service addresses {} -> {}: {} port(s) and the datapath steer by {} rules",
               address_list(running.inputs.service_addresses), address_list(addresses),
               parts.ports.size(), policy.rules.size());
  return policy;
}

}  // namespace vxsn
