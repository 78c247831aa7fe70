#include "host/daemon/card_service_addresses.hpp"

#include <algorithm>
#include <stdexcept>

#include "driver/steering/card_steer_rules.hpp"

namespace vxsn {

std::string change_card_service_addresses(Card& card, CardControl& control,
                                          const std::vector<IpAddr>& addresses,
                                          const std::function<void()>& between) {
  CardControl both = control;
  for (const IpAddr& a : addresses)
    if (std::find(both.service_addrs.begin(), both.service_addrs.end(), a) ==
        both.service_addrs.end())
      both.service_addrs.push_back(a);
  CardControl fresh = control;
  fresh.service_addrs = addresses;
  try {
    // More addresses than the card holds: straight to the new set (the card refuses the
    // union whole, nothing written).
    try {
      card.configure(both);
    } catch (const CardError&) {
      card.configure(fresh);
    }
    between();
    card.configure(fresh);
  } catch (const CardError& e) {
    return std::string("the card refused the service addresses: ") + e.what();
  }
  control = fresh;
  return {};
}

std::string change_card_steering(Card& card, CardControl& control, const SteeringPolicy& policy,
                                 bool card_steers, const std::function<void()>& between) {
  const std::vector<hw::SteerRuleRegs> old_rules = control.steer_rules;
  if (card_steers) {
    try {
      control.steer_rules = card_steer_rules(policy);
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
  }
  std::string refused =
      change_card_service_addresses(card, control, policy.inputs.service_addresses, between);
  if (!refused.empty()) control.steer_rules = old_rules;  // the card kept its registers
  return refused;
}

}  // namespace vxsn
