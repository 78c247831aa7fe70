// A card's service addresses changed while it forwards (a reload), make-before-break: the
// card first accepts the old and the new addresses together (when it holds them all), then
// the host side swaps (its classifier in front of the card), then the card accepts only the
// new. An address kept throughout is accepted at every step.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "driver/card/card.hpp"

namespace vxsn {

// `control`: what the card holds now; it takes the new addresses when the card did. Empty,
// or the card's refusal (the card then keeps the old addresses and `between` is not run).
std::string change_card_service_addresses(Card& card, CardControl& control,
                                          const std::vector<IpAddr>& addresses,
                                          const std::function<void()>& between);

}  // namespace vxsn
