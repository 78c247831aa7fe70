// A real card through XRT as the daemon's forwarding component (`[datapath] mode = "fpga"`).
// Frames never pass through the host: the card's own network ports (CMAC) take them in and
// send the copies out, the kernels run free. The daemon loads tables into the card's idle
// bank and flips, reads counters and drains the learn ring, all from the control loop.
//
// The host's [[port]]s still matter: port i is the kernel interface beside the card's
// network port i, through which members' next hops are resolved (a copy leaves through
// card port i with the MAC the kernel resolved there). A port with a kernel_interface has
// its TAP served through the card's rings (CardKernelPathPump): the card enforces the
// steering policy and punts the host's frames, the host's own frames go out through its
// inject ring.
//
// XRT picks its shim once per process from XILINX_XRT and XCL_EMULATION_MODE. With
// XILINX_XRT set (Xilinx's own XRT install), those are used as they are; otherwise the
// Debian install is used, with its hardware shim (a real card) or, when
// XCL_EMULATION_MODE=noop, the noop shim, where every host call is real but no kernel
// runs (CI and tests).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "driver/steering/steering_policy.hpp"
#include "driver/xrt/shim_environment.hpp"
#include "driver/xrt/xrt_card.hpp"
#include "host/config/config.hpp"
#include "host/daemon/card_agent.hpp"
#include "host/daemon/card_kernel_path_pump.hpp"
#include "host/daemon/forwarding.hpp"

namespace vxsn {

class XrtCardForwarding final : public Forwarding {
 public:
  // Opens device config.card.device with config.card.xclbin and writes the control
  // registers with the card's input disabled. Throws CardError (no device, wrong xclbin,
  // settings the card cannot hold) or std::runtime_error (no XRT shim library).
  XrtCardForwarding(const Config& config, VniCounterRegistry& vni_counters,
                    std::vector<DpdkPort*> ports, const SteeringPolicy& steering);
  ~XrtCardForwarding() override;

  // Before start(): the host frames of card port `port` go to `tap` and what the kernel
  // writes to `tap` goes out of that port, through the card's punt and inject rings. With
  // the first one the card enforces the steering policy (its rules written). Throws
  // CardError / std::invalid_argument when the card cannot hold the policy's rules.
  void attach_kernel_path(size_t port, DpdkPort* tap);

  // Enables the card's input: frames are replicated from now on.
  void start() override;
  // Disables it: frames arriving now are consumed and counted as rx_disabled.
  void stop() override;
  bool publish(std::unique_ptr<FloodTable> table, uint64_t generation) override {
    return agent_->publish(*table, generation);
  }
  // A card that cannot be read is logged (once until it answers again), never thrown.
  void drain_learn_events(const LearnSink& learn) override;
  // Successful reads of the card by the control loop (every learn-ring drain): they stop
  // when the card stops answering, which the health check reports as a stall.
  uint64_t poll_turns() const override { return reads_; }
  // The last good reading when the card cannot be read (logged once).
  ForwardingReading read_counters() override;
  // No software classifier runs in front of the card.
  std::vector<uint64_t> steering_hits() const override { return {}; }
  // The card's address check, and its steering rules when it serves kernel paths (no
  // classifier in front of it; the ports' enforcers are the daemon's).
  std::string change_steering(const SteeringPolicy& policy) override;
  std::optional<CardInfo> card_info() override { return agent_->card_info(); }

 private:
  void set_enabled(bool enabled);
  // Counts a read's outcome; logs the first failure and the recovery.
  void read_succeeded();
  void read_failed(const CardError& e, const char* what);

  std::unique_ptr<xrtcard::XrtShimEnvironment> shim_;  // only when XILINX_XRT was unset
  CardControl control_;
  SteeringPolicy steering_;
  std::unique_ptr<XrtCard> card_;
  std::unique_ptr<CardAgent> agent_;
  KernelPathSwitch kernel_paths_;
  std::unique_ptr<CardKernelPathPump> pump_;  // with a kernel path
  uint64_t reads_ = 0;
  bool read_failing_ = false;
  ForwardingReading last_reading_;
};

}  // namespace vxsn
