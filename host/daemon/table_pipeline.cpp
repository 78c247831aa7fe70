#include "host/daemon/table_pipeline.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <stdexcept>

#include "driver/dpdk/lcore_layout.hpp"
#include "host/ha/hybrid_clock.hpp"
#include "host/log/elapsed_ms.hpp"
#include "host/log/log_rate_limiter.hpp"
#include "host/table/vni_policy_rules.hpp"

namespace vxsn {

TablePipeline::TablePipeline(const Config& config, const std::vector<DpdkPort*>& ports,
                             VniCounterRegistry& vni_counters, Forwarding& forwarding)
    : ports_(ports), vni_counters_(vni_counters), forwarding_(forwarding) {
  // The control loop coalesces bursts of next-hop changes into one table rebuild.
  resolver_ = std::make_unique<NextHopResolver>([this] { next_hops_changed_.notify(); });
  manager_ = std::make_unique<TableManager>(config);
  manager_->align_ticks_to_wall_clock(static_cast<int64_t>(HybridClock::system_ms()));
  // Registrations change the table on their own thread: the datapath and the peers get it
  // now rather than on the next control tick.
  manager_->set_change_callback([this] { changed_elsewhere_.notify(); });
  compiler_ = std::make_unique<IncrementalCompiler>(
      [this](MemberSpec& m) { resolve_member(m, *resolver_, ports_); },
      [this](uint32_t vni) { return vni_counters_.get_or_create(vni); });
  set_layout(config);
}

TablePipeline::~TablePipeline() = default;

RestoreCounts TablePipeline::restore(StateContents&& saved) {
  seed_hops_ = std::move(saved.next_hops);
  return manager_->restore(saved.sources);
}

StateContents TablePipeline::collect_state() const {
  StateContents state;
  state.sources = manager_->saved_sources();
  for (auto& [addr, hop] : resolver_->all())
    if (hop.resolved) state.next_hops.emplace_back(addr, std::move(hop));
  return state;
}

TablePipeline::PublishTimes TablePipeline::warm_start(
    std::vector<VniChange> vnis, std::vector<IpAddr> addresses,
    const std::vector<std::pair<IpAddr, NextHop>>& hops,
    const std::vector<unsigned>& compile_cpus) {
  auto t = std::chrono::steady_clock::now();
  // Tracked but not asked yet: lookups answer the seeds until start() starts the thread.
  resolver_->set_targets(std::move(addresses));
  resolver_->seed(hops);
  remember_compiled_hops();
  const double targets_ms = ms_since(t);
  compiler_->apply(std::move(vnis));
  build_and_publish(compile_cpus);
  last_times_.targets_ms = targets_ms;
  return last_times_;
}

TablePipeline::PublishTimes TablePipeline::start(const std::vector<unsigned>& compile_cpus) {
  const auto t = std::chrono::steady_clock::now();
  if (auto addresses = manager_->take_address_changes())
    set_resolver_targets(std::move(*addresses));
  const double targets_ms = ms_since(t);
  seed_hops_.clear();
  seed_hops_.shrink_to_fit();
  remember_compiled_hops();
  resolver_->start();
  publish(compile_cpus);
  last_times_.targets_ms = targets_ms;
  return last_times_;
}

void TablePipeline::set_resolver_targets(std::vector<IpAddr> addresses) {
  resolver_->set_targets(std::move(addresses));
  // Only until the first table: afterwards the resolver's own answers are newer.
  if (!seed_hops_.empty()) resolver_->seed(seed_hops_);
}

void TablePipeline::stop() {
  resolver_->stop();
}

void TablePipeline::set_layout(const Config& config) {
  compiler_->set_layout(replication_params(config), egress_ports(ports_), VniPolicyRules(config));
}

// The seeds the next compile uses: the resolver's first answers are compared with them, so
// only members whose next hop moved during the restart compile again.
void TablePipeline::remember_compiled_hops() {
  compiled_hops_.clear();
  for (auto& [addr, hop] : resolver_->all()) compiled_hops_.emplace(addr, std::move(hop));
}

// The VNIs of members whose next hop changed compile again.
void TablePipeline::next_hops_changed() {
  next_hops_changed_.consume();
  std::unordered_map<IpAddr, NextHop, IpAddrHash> now;
  for (auto& [addr, hop] : resolver_->all()) {
    auto old = compiled_hops_.find(addr);
    if (old == compiled_hops_.end() || !same_resolution(old->second, hop))
      compiler_->invalidate_address(addr);
    now.emplace(addr, std::move(hop));
  }
  compiled_hops_ = std::move(now);
  publish();
}

void TablePipeline::changed_elsewhere() {
  changed_elsewhere_.consume();
  publish();
}

void TablePipeline::publish(const std::vector<unsigned>& compile_cpus) {
  auto t = std::chrono::steady_clock::now();
  // After start() took the whole list, only the addresses that came and went.
  if (AddressDelta delta = manager_->take_address_delta(); !delta.empty())
    resolver_->update_targets(delta.added, delta.removed);
  last_times_.targets_ms = ms_since(t);
  compiler_->apply(manager_->take_changes());
  build_and_publish(compile_cpus);
}

void TablePipeline::build_and_publish(const std::vector<unsigned>& compile_cpus) {
  last_times_.compile_ms = last_times_.publish_ms = 0;
  if (!compiler_->pending()) return;
  auto t = std::chrono::steady_clock::now();
  std::unique_ptr<FloodTable> table;
  try {
    // The compile threads inherit this thread's CPUs, widened for the build alone.
    std::optional<ScopedCpuAffinity> every_cpu;
    if (compile_cpus.size() > 1) every_cpu.emplace(compile_cpus);
    table = compiler_->build(generation_ + 1,
                             static_cast<unsigned>(std::max<size_t>(1, compile_cpus.size())));
  } catch (const std::invalid_argument& e) {
    spdlog::error("table generation {} not built, the running table stays: {}", generation_ + 1,
                  e.what());
    return;
  }
  last_times_.compile_ms = ms_since(t);
  const CompileStats& cs = compiler_->stats();
  const TableSummary s{cs.vnis, cs.members, cs.unresolved};
  t = std::chrono::steady_clock::now();
  const bool taken = forwarding_.publish(std::move(table), generation_ + 1);
  last_times_.publish_ms = ms_since(t);
  if (!taken) return;
  ++generation_;
  if (s.unresolved != summary_.unresolved || s.vnis != summary_.vnis ||
      s.members != summary_.members)
    spdlog::info("table generation {}: {} VNIs, {} members, {} without next hop", generation_,
                 s.vnis, s.members, s.unresolved);
  summary_ = s;
}

void TablePipeline::learn(uint32_t vni, const IpAddr& vtep) {
  // One per new (VNI, VTEP): a sender making up addresses would fill the log.
  if (manager_->learn(vni, vtep) == LearnOutcome::kLearned)
    log_limited("learned", spdlog::level::info, "learned: VNI {} VTEP {}", vni, vtep.to_string());
}

void TablePipeline::take_learn_events() {
  forwarding_.drain_learn_events([this](uint32_t vni, const IpAddr& vtep) { learn(vni, vtep); });
}

void TablePipeline::tick() {
  flush_suppressed_logs();
  take_learn_events();
  manager_->advance();
  publish();
}

}  // namespace vxsn
