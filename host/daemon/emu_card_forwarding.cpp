#include "host/daemon/emu_card_forwarding.hpp"

#include "driver/steering/card_steer_rules.hpp"
#include "host/daemon/card_service_addresses.hpp"

namespace vxsn {

CardControl card_control_of(const Config& c) {
  CardControl control;
  control.vxlan_port = c.vxlan_port;
  control.service_addrs = c.service_addresses;  // more than the card holds: CardError
  control.enable = true;
  return control;
}

EmuCardForwarding::EmuCardForwarding(std::vector<DpdkPort*> ports, const Config& config,
                                     const SteeringPolicy& steering,
                                     VniCounterRegistry& vni_counters)
    : steering_(steering), agent_(card_, vni_counters) {
  control_ = card_control_of(config);
  card_.configure(control_);
  datapath_ = std::make_unique<CardDatapath>(std::move(ports), card_, steering,
                                             config.datapath_lcores.lane_count());
}

void EmuCardForwarding::attach_kernel_path(size_t port, DpdkPort* tap) {
  if (!datapath_->punts_through_card()) {
    CardControl control = control_;
    control.steer_rules = card_steer_rules(steering_);
    card_.configure(control);
    control_ = std::move(control);
    datapath_->punt_through_card();
  }
  datapath_->attach_kernel_path(port, tap);
}

std::string EmuCardForwarding::change_steering(const SteeringPolicy& policy) {
  const std::vector<hw::SteerRuleRegs> old_rules = control_.steer_rules;
  if (datapath_->punts_through_card()) {
    // The rules are the address-free shapes: during the change they apply to the old and
    // the new addresses alike (card_service_addresses.hpp).
    try {
      control_.steer_rules = card_steer_rules(policy);
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
  }
  std::string refused = change_card_service_addresses(
      card_, control_, policy.inputs.service_addresses, [&] { datapath_->set_steering(policy); });
  if (!refused.empty()) {
    control_.steer_rules = old_rules;  // the card kept its registers
    return refused;
  }
  steering_ = policy;
  return {};
}

}  // namespace vxsn
