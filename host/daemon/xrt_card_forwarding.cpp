#include "host/daemon/xrt_card_forwarding.hpp"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <cstring>

#include "driver/steering/card_steer_rules.hpp"
#include "host/daemon/card_service_addresses.hpp"
#include "host/daemon/emu_card_forwarding.hpp"

namespace vxsn {
namespace {

std::unique_ptr<xrtcard::XrtShimEnvironment> shim_for_this_process() {
  if (std::getenv("XILINX_XRT")) return nullptr;  // Xilinx's own install: as configured
  const char* mode = std::getenv("XCL_EMULATION_MODE");
  const bool noop = mode && std::strcmp(mode, "noop") == 0;
  if (mode && !noop)
    throw CardError(CardError::Kind::kNoDevice,
                    std::string("XCL_EMULATION_MODE=") + mode +
                        " is not supported: unset it for a real card, or noop for XRT's noop "
                        "shim (host calls only, no kernel runs)");
  spdlog::info("xrt: {} shim of the Debian XRT install", noop ? "noop" : "hardware");
  return std::make_unique<xrtcard::XrtShimEnvironment>(noop ? xrtcard::XrtShim::kNoop
                                                            : xrtcard::XrtShim::kHardware);
}

}  // namespace

XrtCardForwarding::XrtCardForwarding(const Config& config, VniCounterRegistry& vni_counters,
                                     std::vector<DpdkPort*> ports, const SteeringPolicy& steering)
    : shim_(shim_for_this_process()),
      control_(card_control_of(config)),
      steering_(steering),
      kernel_paths_(std::move(ports)) {
  XrtCardOptions options;
  options.device_index = config.card.device;
  options.xclbin = config.card.xclbin;
  options.control = control_;
  options.control.enable = false;  // until the datapath starts
  card_ = std::make_unique<XrtCard>(options);
  agent_ = std::make_unique<CardAgent>(*card_, vni_counters);
  const CardStatus st = card_->status();
  spdlog::info("card: {} device {} kernel {} (table layout {}, {}), {} VNIs / {} members",
               st.backend, st.device, st.kernel_version, st.layout_version, st.run_mode,
               st.vni_capacity, st.member_capacity);
}

XrtCardForwarding::~XrtCardForwarding() {
  pump_.reset();
  agent_.reset();
  card_.reset();  // before the shim environment it was opened under
}

void XrtCardForwarding::set_enabled(bool enabled) {
  CardControl c = control_;
  c.enable = enabled;
  card_->configure(c);
}

void XrtCardForwarding::attach_kernel_path(size_t port, DpdkPort* tap) {
  if (!pump_) {
    CardControl control = control_;
    control.steer_rules = card_steer_rules(steering_);
    card_->configure(control);
    control_ = std::move(control);
    pump_ = std::make_unique<CardKernelPathPump>(*card_, kernel_paths_);
  }
  kernel_paths_.attach(port, tap);
}

std::string XrtCardForwarding::change_steering(const SteeringPolicy& policy) {
  std::string refused = change_card_steering(*card_, control_, policy, pump_ != nullptr, [] {});
  if (refused.empty()) steering_ = policy;
  return refused;
}

void XrtCardForwarding::start() {
  set_enabled(true);
  if (pump_) pump_->start();
}

void XrtCardForwarding::stop() {
  if (pump_) pump_->stop();
  try {
    set_enabled(false);
  } catch (const CardError& e) {
    spdlog::error("card: cannot disable its input on exit: {}", e.what());
  }
}

void XrtCardForwarding::read_succeeded() {
  ++reads_;
  if (read_failing_) spdlog::info("card: answers again");
  read_failing_ = false;
}

void XrtCardForwarding::read_failed(const CardError& e, const char* what) {
  if (!read_failing_) spdlog::error("card: cannot read its {}: {}", what, e.what());
  read_failing_ = true;
}

void XrtCardForwarding::drain_learn_events(const LearnSink& learn) {
  try {
    agent_->drain_learn_events(learn);
    read_succeeded();
  } catch (const CardError& e) {
    read_failed(e, "learn ring");
  }
}

ForwardingReading XrtCardForwarding::read_counters() {
  try {
    // Nothing passes through the host around the card: no host-side counts to add.
    last_reading_ = agent_->read_counters(DatapathCountersSnapshot{}, 0);
    if (pump_) last_reading_.kernel_paths = pump_->counts();
    read_succeeded();
  } catch (const CardError& e) {
    read_failed(e, "counters");
  }
  return last_reading_;
}

}  // namespace vxsn
