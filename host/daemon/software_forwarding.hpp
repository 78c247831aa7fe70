// The software datapath as the daemon's forwarding component: tables published with RCU
// to the DPDK poll loops, one per datapath lcore (host/datapath's reference model), learn
// reports through one queue per lcore.
#pragma once

#include <memory>
#include <vector>

#include "driver/dpdk/port.hpp"
#include "driver/steering/steering_policy.hpp"
#include "host/config/config.hpp"
#include "host/daemon/forwarding.hpp"
#include "host/daemon/software_datapath.hpp"
#include "host/datapath/vni_counter_registry.hpp"

namespace vxsn {

class SoftwareForwarding final : public Forwarding {
 public:
  // `vni_counters` (the compiler's per-VNI counters) outlives this.
  SoftwareForwarding(std::vector<DpdkPort*> ports, const Config& config,
                     const SteeringPolicy& steering, VniCounterRegistry& vni_counters);

  // Before start(): see SoftwareDatapath::attach_kernel_path.
  void attach_kernel_path(size_t port, DpdkPort* tap) { datapath_->attach_kernel_path(port, tap); }
  // Before start(): see SoftwareDatapath::skip_classifier.
  void skip_classifier(size_t port) { datapath_->skip_classifier(port); }
  void start() override { datapath_->start(); }
  void stop() override { datapath_->stop(); }
  bool publish(std::unique_ptr<FloodTable> table, uint64_t generation) override;
  void drain_learn_events(const LearnSink& learn) override;
  uint64_t poll_turns() const override { return datapath_->poll_turns(); }
  ForwardingReading read_counters() override;
  std::vector<uint64_t> steering_hits() const override { return datapath_->steering_hits(); }
  std::string change_steering(const SteeringPolicy& policy) override {
    datapath_->set_steering(policy);
    return {};
  }
  std::optional<CardInfo> card_info() override { return std::nullopt; }

 private:
  VniCounterRegistry& vni_counters_;
  FloodTablePublisher tables_;
  std::unique_ptr<SoftwareDatapath> datapath_;
};

}  // namespace vxsn
