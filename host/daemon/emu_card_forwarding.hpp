// The emulated card as the daemon's forwarding component: the hls/ kernels on the CPU
// behind the Card interface, fed by the card poll loop from the DPDK ports.
#pragma once

#include <memory>
#include <vector>

#include "driver/card/emu_card.hpp"
#include "driver/dpdk/port.hpp"
#include "driver/steering/steering_policy.hpp"
#include "host/config/config.hpp"
#include "host/daemon/card_agent.hpp"
#include "host/daemon/card_datapath.hpp"
#include "host/daemon/forwarding.hpp"

namespace vxsn {

// The card's control settings from the config (VXLAN port, service addresses).
CardControl card_control_of(const Config& c);

class EmuCardForwarding final : public Forwarding {
 public:
  // Throws CardError when the card cannot hold the config's settings. `vni_counters`
  // outlives this.
  EmuCardForwarding(std::vector<DpdkPort*> ports, const Config& config,
                    const SteeringPolicy& steering, VniCounterRegistry& vni_counters);

  void start() override { datapath_->start(); }
  void stop() override { datapath_->stop(); }
  bool publish(std::unique_ptr<FloodTable> table, uint64_t generation) override {
    return agent_.publish(*table, generation);
  }
  void drain_learn_events(const LearnSink& learn) override { agent_.drain_learn_events(learn); }
  uint64_t poll_turns() const override { return datapath_->poll_turns(); }
  ForwardingReading read_counters() override {
    ForwardingReading r =
        agent_.read_counters(datapath_->host_counters(), datapath_->host_frames());
    r.lcores = datapath_->lcore_counts();
    if (datapath_->has_kernel_path()) r.kernel_paths = datapath_->kernel_path_counts();
    return r;
  }
  // Before start(): see CardDatapath::attach_kernel_path. With a kernel path the card
  // enforces the steering policy itself, as a board does (CardDatapath::punt_through_card):
  // the TAP is fed from the card's punt ring. Throws CardError / std::invalid_argument
  // when the card cannot hold the policy's rules.
  void attach_kernel_path(size_t port, DpdkPort* tap);
  std::vector<uint64_t> steering_hits() const override { return datapath_->steering_hits(); }
  std::string change_steering(const SteeringPolicy& policy) override;
  std::optional<CardInfo> card_info() override { return agent_.card_info(); }

 private:
  EmuCard card_;
  CardControl control_;
  SteeringPolicy steering_;  // the last one the card's rules were compiled from
  CardAgent agent_;
  std::unique_ptr<CardDatapath> datapath_;
};

}  // namespace vxsn
