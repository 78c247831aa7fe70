#include "host/daemon/emu_card_forwarding.hpp"

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
    : agent_(card_, vni_counters) {
  control_ = card_control_of(config);
  card_.configure(control_);
  datapath_ = std::make_unique<CardDatapath>(std::move(ports), card_, steering,
                                             config.datapath_lcores.lane_count());
}

std::string EmuCardForwarding::change_steering(const SteeringPolicy& policy) {
  return change_card_service_addresses(card_, control_, policy.inputs.service_addresses,
                                       [&] { datapath_->set_steering(policy); });
}

}  // namespace vxsn
