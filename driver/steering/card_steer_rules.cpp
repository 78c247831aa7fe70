#include "driver/steering/card_steer_rules.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace vxsn {
namespace {

uint8_t card_l3(const SteerMatch& m) {
  switch (m.l3) {
    case L3Match::kArp:
      return hw::kSteerL3Arp;
    case L3Match::kIpv4:
      return hw::kSteerL3Ipv4;
    case L3Match::kIpv6:
      return hw::kSteerL3Ipv6;
    case L3Match::kAny:
      break;
  }
  // A destination implies its family.
  if (m.dst.is_v4()) return hw::kSteerL3Ipv4;
  if (m.dst.is_v6()) return hw::kSteerL3Ipv6;
  return hw::kSteerL3Any;
}

uint8_t card_action(SteerAction a) {
  switch (a) {
    case SteerAction::kDatapath:
      return hw::kSteerDatapath;
    case SteerAction::kRegistration:
      return hw::kSteerRegistration;
    case SteerAction::kHost:
      return hw::kSteerHost;
    case SteerAction::kDrop:
      return hw::kSteerDrop;
  }
  return hw::kSteerHost;
}

hw::SteerRuleRegs card_rule(const SteerRule& rule) {
  hw::SteerRuleRegs r;
  r.l3 = card_l3(rule.match);
  r.flags = static_cast<uint8_t>(
      (rule.match.dst.family != IpAddr::Family::kNone ? hw::kSteerToService : 0) |
      (rule.match.fragment ? hw::kSteerFragment : 0));
  r.ip_proto = rule.match.ip_proto;
  r.action = card_action(rule.action);
  r.src_port = rule.match.src_port;
  r.dst_port = rule.match.dst_port;
  return r;
}

bool same_shape(const hw::SteerRuleRegs& a, const hw::SteerRuleRegs& b) {
  return a.l3 == b.l3 && a.flags == b.flags && a.ip_proto == b.ip_proto && a.action == b.action &&
         a.src_port == b.src_port && a.dst_port == b.dst_port;
}

struct Shape {
  hw::SteerRuleRegs regs;
  std::string name;  // the first policy rule of this shape
  uint8_t tier = 0;
  std::vector<IpAddr> addresses;  // the destinations it was given (to-service shapes)
};

}  // namespace

std::vector<hw::SteerRuleRegs> card_steer_rules(const SteeringPolicy& policy) {
  std::vector<Shape> shapes;
  for (const SteerRule& rule : policy.rules) {
    const hw::SteerRuleRegs regs = card_rule(rule);
    auto it = std::find_if(shapes.begin(), shapes.end(),
                           [&](const Shape& s) { return same_shape(s.regs, regs); });
    if (it == shapes.end()) {
      shapes.push_back(Shape{regs, rule.name, rule.tier, {}});
      it = shapes.end() - 1;
    } else if (it->tier != rule.tier) {
      throw std::invalid_argument("card steering: rule " + rule.name + " (tier " +
                                  std::to_string(rule.tier) + ") has the shape of " + it->name +
                                  " (tier " + std::to_string(it->tier) + ")");
    }
    if (rule.match.dst.family != IpAddr::Family::kNone) it->addresses.push_back(rule.match.dst);
  }
  // A to-service shape stands for every service address of its family: it must have been
  // given to each of them.
  for (const Shape& s : shapes) {
    if (!(s.regs.flags & hw::kSteerToService)) continue;
    for (const IpAddr& a : policy.inputs.service_addresses) {
      const bool family = s.regs.l3 == (a.is_v4() ? hw::kSteerL3Ipv4 : hw::kSteerL3Ipv6);
      if (family && std::find(s.addresses.begin(), s.addresses.end(), a) == s.addresses.end())
        throw std::invalid_argument("card steering: rule " + s.name + " is not given to " +
                                    a.to_string() + ", the card applies it to every address");
    }
  }
  if (shapes.size() > hw::kMaxSteerRules)
    throw std::invalid_argument("card steering: " + std::to_string(shapes.size()) +
                                " rules, the card holds " + std::to_string(hw::kMaxSteerRules));
  std::vector<hw::SteerRuleRegs> out;
  for (const Shape& s : shapes) out.push_back(s.regs);
  return out;
}

}  // namespace vxsn
