// The steering policy as the card enforces it (hls/steer.hpp): the rule list with the
// service address factored out. The policy gives every service address the same rule
// shapes, so one card rule "destination is a service address, UDP to 4789 -> datapath"
// stands for the per-address copies; the card's address registers (CardControl::
// service_addrs) say which addresses those are. First match wins, as in the policy.
#pragma once

#include <vector>

#include "driver/steering/steering_policy.hpp"
#include "hls/control_regs.hpp"

namespace vxsn {

// Throws std::invalid_argument naming the rule when the list cannot be expressed that
// way (a shape given to some service addresses of a family but not all, one shape in two
// tiers) or needs more than hw::kMaxSteerRules card rules.
std::vector<hw::SteerRuleRegs> card_steer_rules(const SteeringPolicy& policy);

}  // namespace vxsn
