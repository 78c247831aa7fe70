#include "driver/steering/port_steering.hpp"

#include <spdlog/spdlog.h>

#include "driver/dpdk/devargs.hpp"

namespace vxsn {

const char* to_string(SteeringEnforcer e) {
  switch (e) {
    case SteeringEnforcer::kRteFlow:
      return "rte_flow";
    case SteeringEnforcer::kXdp:
      return "xdp";
    case SteeringEnforcer::kSoftware:
      return "software";
  }
  return "?";
}

namespace {

// VXLAN spread (RSS) over every RX queue the datapath lcores poll.
FlowTargets datapath_targets(uint16_t rx_queues) {
  FlowTargets t;
  t.datapath_queues.clear();
  for (uint16_t q = 0; q < rx_queues; ++q) t.datapath_queues.push_back(q);
  return t;
}

std::string rte_flow_reason(const FlowEnforcer& flows) {
  return std::to_string(flows.flow_count()) + " flows" + (flows.isolated() ? ", isolated" : "") +
         (flows.counting() ? ", counted" : ", no counters");
}

std::string xdp_reason(const SteeringPolicy& policy) {
  return std::to_string(policy.rules.size()) + " rules in the XDP program's map";
}

}  // namespace

std::unique_ptr<PortSteering> PortSteering::open(PortConfig config, const SteeringPolicy& policy,
                                                 FlowApi& flow_api) {
  std::unique_ptr<PortSteering> s(new PortSteering);
  s->flow_api_ = &flow_api;
  const bool af_xdp = devargs_kind(config.devargs) == PortKind::kAfXdp;
  if (!af_xdp) {
    // The enforcer needs the port id, known only once the PMD probed it.
    config.before_start = [&s, &flow_api, queues = config.rx_queues](uint16_t id) {
      s->flows_ = std::make_unique<FlowEnforcer>(flow_api, id, datapath_targets(queues));
      s->flows_->request_isolation();
    };
  }
  s->port_ = DpdkPort::open(config);
  if (af_xdp) {
    s->xdp_ = XdpSteering::load(s->port_->kernel_ifname(), policy);
    s->enforcer_ = SteeringEnforcer::kXdp;
    s->reason_ = xdp_reason(policy);
  } else {
    s->enforce_with_rte_flow(policy);
  }
  spdlog::info("port {}: steering enforced by {} ({})", s->port_->name(), to_string(s->enforcer_),
               s->reason_);
  return s;
}

void PortSteering::enforce_with_rte_flow(const SteeringPolicy& policy) {
  if (!flows_)
    flows_ = std::make_unique<FlowEnforcer>(*flow_api_, port_->id(),
                                            datapath_targets(port_->rx_queues()));
  std::string why;
  if (flows_->install(policy, why)) {
    enforcer_ = SteeringEnforcer::kRteFlow;
    reason_ = rte_flow_reason(*flows_);
    return;
  }
  // Validation alone proves nothing (net_tap validates what it cannot create): only
  // created flows count; anything less is the software classifier's job.
  if (flows_->isolated()) port_->restart([this] { flows_->leave_isolation(); });
  flows_.reset();
  enforcer_ = SteeringEnforcer::kSoftware;
  reason_ = why;
}

PortSteering::~PortSteering() {
  flows_.reset();  // flushed while the port still exists
  xdp_.reset();
  port_.reset();
}

bool PortSteering::update(const SteeringPolicy& policy, std::string& why) {
  if (flows_) {
    if (!flows_->replace(policy, why)) return false;
    reason_ = rte_flow_reason(*flows_);
  }
  if (xdp_) {
    try {
      xdp_->update(policy);
    } catch (const std::exception& e) {
      why = e.what();
      return false;
    }
    reason_ = xdp_reason(policy);
  }
  return true;
}

std::vector<uint64_t> PortSteering::rule_hits() const {
  if (flows_) return flows_->rule_hits();
  if (xdp_) return xdp_->hits();
  return {};
}

}  // namespace vxsn
