// A card's service addresses changed while it forwards (a reload), make-before-break: the
// card first accepts the old and the new addresses together (when it holds them all), then
// the host side swaps (its classifier in front of the card), then the card accepts only the
// new. An address kept throughout is accepted at every step.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "driver/card/card.hpp"
#include "driver/steering/steering_policy.hpp"

namespace vxsn {

// `control`: what the card holds now; it takes the new addresses when the card did. Empty,
// or the card's refusal (the card then keeps the old addresses and `between` is not run).
std::string change_card_service_addresses(Card& card, CardControl& control,
                                          const std::vector<IpAddr>& addresses,
                                          const std::function<void()>& between);

// The steering policy changed (a reload). With `card_steers` (the card enforces the policy
// itself, CardControl::steer_rules) its rules are compiled again from `policy` first: they
// are address-free, so during the change they apply to the old and the new addresses alike.
// Then the addresses change as above. Empty, or the refusal: the card and `control` keep
// the old rules and addresses.
std::string change_card_steering(Card& card, CardControl& control, const SteeringPolicy& policy,
                                 bool card_steers, const std::function<void()>& between);

}  // namespace vxsn
