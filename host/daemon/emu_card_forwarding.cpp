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
  std::string refused =
      change_card_steering(card_, control_, policy, datapath_->punts_through_card(),
                           [&] { datapath_->set_steering(policy); });
  if (refused.empty()) steering_ = policy;
  return refused;
}

}  // namespace vxsn
