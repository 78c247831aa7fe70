#include "host/daemon/daemon.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <mutex>
#include <unordered_map>

#include "driver/dpdk/eal.hpp"
#include "driver/dpdk/port.hpp"
#include "driver/steering/flow_api.hpp"
#include "driver/steering/port_steering.hpp"
#include "driver/steering/steering_policy.hpp"
#include "host/api/api_server.hpp"
#include "host/config/static_members.hpp"
#include "host/config/steering_inputs.hpp"
#include "host/daemon/card_counter_slots.hpp"
#include "host/daemon/card_datapath.hpp"
#include "host/daemon/control_queue.hpp"
#include "host/daemon/ha_bridge.hpp"
#include "host/daemon/health_report.hpp"
#include "host/daemon/management_service.hpp"
#include "host/daemon/software_datapath.hpp"
#include "host/daemon/stats_report.hpp"
#include "host/daemon/steering_report.hpp"
#include "host/daemon/table_compiler.hpp"
#include "host/datapath/counter_reclaim.hpp"
#include "host/ha/hybrid_clock.hpp"
#include "host/health/health_verdict.hpp"
#include "host/metrics/metrics_server.hpp"
#include "host/nexthop/next_hop_resolver.hpp"
#include "host/registration/registration_server.hpp"
#include "host/table/allow_list.hpp"
#include "host/table/incremental_compiler.hpp"
#include "host/table/learn_filter.hpp"
#include "host/table/table_manager.hpp"

namespace vxsn {
namespace {

sigset_t daemon_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  return set;
}

// Owns a file descriptor.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {
    if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "fd");
  }
  ~Fd() { ::close(fd_); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

CardControl card_control_of(const Config& c) {
  CardControl control;
  control.vxlan_port = c.vxlan_port;
  control.service_addrs = c.service_addresses;  // more than the card holds: CardError
  control.enable = true;
  return control;
}

// The software datapath's counters plus what the card datapath counts on the host.
DatapathCountersSnapshot card_snapshot(const CardCounters& card,
                                       const DatapathCountersSnapshot& host) {
  DatapathCountersSnapshot s;
  s.rx_frames = card.rx_frames;
  s.rx_bytes = card.rx_bytes;
  s.tx_copies = card.tx_copies;
  s.tx_bytes = card.tx_bytes;
  for (unsigned r = 0; r < kDropReasonCount; ++r) s.drops[r] = card.drops[r] + host.drops[r];
  return s;
}

// "vnis_no_slot 3, vnis_no_member_room 1": the non-zero reasons.
std::string describe(const CardLeftOut& l) {
  std::string out;
  for (const auto& [reason, n] : left_out_by_reason(l))
    if (n != 0) out += (out.empty() ? "" : ", ") + reason + " " + std::to_string(n);
  return out;
}

LearnFilterParams learn_filter_params(const Config& c) {
  LearnFilterParams p;
  // A pair checked is quiet for one ageing interval: a learned member's traffic refreshes
  // it at most that often.
  p.hold_ns = uint64_t{c.table.ageing_interval_ms} * 1'000'000;
  p.events_per_s = c.table.learn_rate;
  p.burst = std::max<uint32_t>(16, c.table.learn_rate / 4);
  return p;
}

// Membership changes, learn events and ageing are handled on this tick; the ageing
// granularity itself is table.ageing_interval_ms.
uint32_t control_tick_ms(const Config& c) {
  return std::min<uint32_t>(100, c.table.ageing_interval_ms);
}

bool same_layout(const Config& a, const Config& b) {
  return a.ttl == b.ttl && a.keep_source_ip == b.keep_source_ip && a.own_v4 == b.own_v4 &&
         a.own_v6 == b.own_v6 && VniPolicyRules(a) == VniPolicyRules(b) && a.storm == b.storm;
}

ParseConfig parse_config_of(const Config& c) {
  ParseConfig p;
  p.vxlan_port = c.vxlan_port;
  for (const IpAddr& a : c.service_addresses) {
    if (p.service_addr_count == p.service_addrs.size()) break;
    p.service_addrs[p.service_addr_count++] = a;
  }
  return p;
}

}  // namespace

void block_daemon_signals() {
  sigset_t set = daemon_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

struct Daemon::Impl : DaemonControl {
  Config config;
  HaConfig ha_config;
  // The static members as the file last said them: a reload applies the file's change
  // since, leaving what the API changed meanwhile.
  std::vector<StaticVni> file_vnis;
  std::string config_path;
  ConfigOverrides overrides;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

  // Compiled once at start; every port's enforcer and the datapath's classifier take it.
  SteeringPolicy steering;
  RteFlowApi flow_api;
  // Each port with its steering enforcer (rte_flow, XDP or software); flows are flushed
  // and XDP programs detached when they go.
  std::vector<std::unique_ptr<PortSteering>> owned_ports;
  std::vector<DpdkPort*> ports;
  VniCounterRegistry vni_counters;
  FloodTablePublisher tables;
  TableSummary summary;
  uint64_t generation = 0;
  CardLeftOut card_left_out;  // what the card's active table lacks (card mode)
  Fd nexthop_changed{eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)};
  // Set by the table manager when another thread (registrations) changed the table, so the
  // datapath and the peers get it now rather than on the next control tick.
  Fd table_changed_elsewhere{eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)};
  std::unique_ptr<NextHopResolver> resolver;
  std::unique_ptr<SoftwareDatapath> datapath;
  // emu mode: the emulated card and its poll loop instead of `datapath`.
  std::unique_ptr<EmuCard> card;
  std::unique_ptr<CardDatapath> card_datapath;
  std::unique_ptr<CardCounterSlots> counter_slots;  // with `card`
  std::vector<LearnEvent> learn_events;
  // The control plane: one membership model, compiled incrementally into flood tables.
  std::unique_ptr<TableManager> table_manager;
  std::unique_ptr<IncrementalCompiler> compiler;
  std::unordered_map<IpAddr, NextHop, IpAddrHash> compiled_hops;  // as of the last diff
  LearnQueue learn_queue;  // software datapath -> control loop
  // The management API: its threads hand their work to the control loop through the queue.
  ControlQueue api_queue;
  std::unique_ptr<ManagementService> management;
  std::unique_ptr<ApiServer> api_server;
  // The Prometheus endpoint ([metrics]); serves what report() last published.
  std::unique_ptr<MetricsServer> metrics;
  // VTEPs register on UDP 10001 (vxfld protocol); its own thread, the table manager's lock.
  std::unique_ptr<RegistrationServer> registration;
  // HA: the table's own changes go to the peers, theirs come in (after the table, so it
  // is destroyed first).
  std::unique_ptr<HaBridge> ha;
  DatapathHealth health{std::chrono::milliseconds(500)};
  HealthVerdict last_health{true, "ok"};  // logged on change
  bool health_written = true;             // a write failure is logged once
  bool draining = false;

  bool card_mode() const { return card != nullptr; }

  void open_ports() {
    for (const PortSettings& s : config.ports) {
      PortConfig pc;
      pc.devargs = s.device;
      pc.max_frame_len = s.max_frame_len;
      owned_ports.push_back(PortSteering::open(pc, steering, flow_api));
      DpdkPort* p = &owned_ports.back()->port();
      ports.push_back(p);
      spdlog::info("port {}: {} mac {} kernel interface '{}' carries frames up to {} bytes",
                   ports.size() - 1, p->name(), p->mac().to_string(), p->kernel_ifname(),
                   p->max_frame_len());
      // The driver has already warned if the port cannot carry max_frame_len.
    }
  }

  void start_table() {
    table_manager = std::make_unique<TableManager>(config);
    table_manager->align_ticks_to_wall_clock(static_cast<int64_t>(HybridClock::system_ms()));
    table_manager->set_change_callback([this] {
      uint64_t one = 1;
      [[maybe_unused]] ssize_t n = ::write(table_changed_elsewhere.get(), &one, sizeof one);
    });
    compiler = std::make_unique<IncrementalCompiler>(
        [this](MemberSpec& m) { resolve_member(m, *resolver, ports); },
        [this](uint32_t vni) { return vni_counters.get_or_create(vni); });
    compiler->set_layout(replication_params(config), egress_ports(ports), VniPolicyRules(config));
  }

  // The VNIs of members whose next hop changed compile again.
  void next_hops_changed() {
    std::unordered_map<IpAddr, NextHop, IpAddrHash> now;
    for (auto& [addr, hop] : resolver->all()) {
      auto old = compiled_hops.find(addr);
      if (old == compiled_hops.end() || !same_resolution(old->second, hop))
        compiler->invalidate_address(addr);
      now.emplace(addr, std::move(hop));
    }
    compiled_hops = std::move(now);
    publish_table();
  }

  // Compiles what changed since the last table (nothing: no new table) and publishes it.
  void publish_table() {
    if (auto addresses = table_manager->take_address_changes())
      resolver->set_targets(std::move(*addresses));
    compiler->apply(table_manager->take_changes());
    if (!compiler->pending()) return;
    std::unique_ptr<FloodTable> table;
    try {
      table = compiler->build(generation + 1);
    } catch (const std::invalid_argument& e) {
      spdlog::error("table generation {} not built, the running table stays: {}", generation + 1,
                    e.what());
      return;
    }
    const CompileStats& cs = compiler->stats();
    TableSummary s{cs.vnis, cs.members, cs.unresolved};
    if (card_mode()) {
      if (!load_card_table(*table)) return;
    } else {
      publish_reclaiming_counters(tables, vni_counters, std::move(table));
    }
    ++generation;
    if (s.unresolved != summary.unresolved || s.vnis != summary.vnis ||
        s.members != summary.members)
      spdlog::info("table generation {}: {} VNIs, {} members, {} without next hop", generation,
                   s.vnis, s.members, s.unresolved);
    summary = s;
  }

  // Serialises what the card can hold of `table` (the rest is left out and counted, never
  // the whole table refused) into the card's idle bank, then flips. Only a failed transfer
  // keeps the running table.
  bool load_card_table(const FloodTable& table) {
    try {
      // The card's learn cache forgets on a version change, so every table gets a new one.
      const CardLeftOut left_out = load_counted_table(*card, *counter_slots, table, generation + 1);
      if (left_out != card_left_out) {
        if (left_out.any())
          spdlog::warn(
              "card: table generation {} does not fit the card; left out: {} VNIs ({}), "
              "{} members past the fan-out limit",
              generation + 1, left_out.vnis(), describe(left_out), left_out.members_over_fanout);
        else
          spdlog::info("card: table generation {} fits the card whole again", generation + 1);
        card_left_out = left_out;
      }
      // No software datapath reads tables in card mode: VNIs gone need no counters now.
      vni_counters.retain_only(vnis_of(table));
      return true;
    } catch (const CardError& e) {
      spdlog::error("table generation {} refused by the card, the running table stays: {}",
                    generation + 1, e.what());
      return false;
    }
  }

  // Learn events from either datapath become learned entries (or refresh them).
  void drain_learn_events() {
    if (!card_mode()) {
      learn_queue.drain([this](const LearnReport& r) { learn(r.vni, r.vtep); });
      return;
    }
    learn_events.clear();
    card->drain_learn_events(learn_events);
    for (const LearnEvent& e : learn_events) learn(e.vni, e.vtep);
  }

  void learn(uint32_t vni, const IpAddr& vtep) {
    if (table_manager->learn(vni, vtep) == LearnOutcome::kLearned)
      spdlog::info("learned: VNI {} VTEP {}", vni, vtep.to_string());
  }

  // Learn events, ageing, and the batch of membership changes they and the other sources
  // (registrations, peers) made since the last tick.
  void control_tick() {
    drain_learn_events();
    table_manager->advance();
    publish_table();
  }

  void reload() {
    spdlog::info("SIGHUP: reloading {}", config_path);
    try {
      reload_config_file();
    } catch (const ConfigError& e) {
      spdlog::error("reload refused, the running table stays: {}", e.what());
    }
  }

  // DaemonControl (the management API, on this thread).
  Config& running_config() override { return config; }
  const std::vector<StaticVni>& config_file_vnis() const override { return file_vnis; }
  const std::string& config_file() const override { return config_path; }
  TableManager& table() override { return *table_manager; }
  void static_members_changed() override {
    table_manager->reconfigure(config);
    publish_table();
  }
  void table_changed() override { publish_table(); }
  void flood_policy_changed() override {
    compiler->set_layout(replication_params(config), egress_ports(ports), VniPolicyRules(config));
    publish_table();
  }

  std::vector<std::string> reload_config_file() override {
    Config fresh = load_config(config_path);
    if (overrides) overrides(fresh);
    validate_config(fresh, config_path);
    // The table and its replication parameters reload; ports and addresses the datapath
    // listens on, and the API's listeners, are fixed for the process's life.
    std::vector<std::string> restart;
    bool ports_changed = fresh.ports.size() != config.ports.size();
    for (size_t i = 0; !ports_changed && i < fresh.ports.size(); ++i)
      ports_changed = fresh.ports[i].device != config.ports[i].device;
    if (ports_changed) restart.push_back("port");
    if (fresh.service_addresses != config.service_addresses)
      restart.push_back("node.service_addresses");
    if (fresh.vxlan_port != config.vxlan_port) restart.push_back("node.vxlan_port");
    if (fresh.eal_args != config.eal_args) restart.push_back("datapath.eal_args");
    if (fresh.datapath != config.datapath) restart.push_back("datapath.mode");
    if (!(fresh.api == config.api)) restart.push_back("api");
    if (fresh.metrics.enabled != config.metrics.enabled ||
        fresh.metrics.address != config.metrics.address ||
        fresh.metrics.port != config.metrics.port)
      restart.push_back("metrics.listen");
    if (!(load_ha_config(config_path) == ha_config)) restart.push_back("ha");
    if (fresh.health_file != config.health_file ||
        fresh.health_interval_ms != config.health_interval_ms)
      restart.push_back("node.health_file");
    if (!restart.empty())
      spdlog::warn("reload: {} change(s) only on restart; applying the rest",
                   fmt::join(restart, ", "));
    const bool layout_changed = !same_layout(config, fresh);
    config.vnis = apply_file_change(config.vnis, file_vnis, fresh.vnis);
    file_vnis = std::move(fresh.vnis);
    config.table = fresh.table;
    config.allow = std::move(fresh.allow);
    config.learning = std::move(fresh.learning);
    config.source_check = std::move(fresh.source_check);
    config.storm = std::move(fresh.storm);
    config.ttl = fresh.ttl;
    config.keep_source_ip = fresh.keep_source_ip;
    config.own_v4 = fresh.own_v4;
    config.own_v6 = fresh.own_v6;
    config.stats_interval_ms = fresh.stats_interval_ms;
    config.metrics.top_vnis = fresh.metrics.top_vnis;
    if (metrics) metrics->set_top_vnis(config.metrics.top_vnis);
    table_manager->reconfigure(config);
    registration->set_allow_list(std::make_shared<AllowList>(AllowList::from_config(config)));
    registration->set_limits(registration_limits(config));
    if (layout_changed)
      compiler->set_layout(replication_params(config), egress_ports(ports), VniPolicyRules(config));
    publish_table();
    return restart;
  }

  double uptime_s() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  }

  NodeStatus node_status() override {
    NodeStatus s;
    s.node_id = config.node_id;
    s.datapath_mode = config.datapath;
    s.uptime_s = uptime_s();
    s.service_addresses = config.service_addresses;
    s.vxlan_port = config.vxlan_port;
    s.table_generation = generation;
    s.vnis = summary.vnis;
    s.members = summary.members;
    s.unresolved_members = summary.unresolved;
    s.entries_by_source = table_manager->entries_by_source();
    s.max_vnis = config.table.max_vnis;
    s.max_members_per_vni = config.table.max_members_per_vni;
    s.max_entries = config.table.max_entries;
    if (card_mode()) {
      const CardStatus st = card->status();
      std::map<std::string, uint64_t> left_out;
      for (const auto& [reason, n] : left_out_by_reason(card_left_out)) left_out[reason] = n;
      s.card = CardInfo{st.backend,         st.device,       st.kernel_version, st.layout_version,
                        st.enabled,         st.active_bank,  st.table_version,  st.tables_loaded,
                        st.vni_count,       st.vni_capacity, st.member_count,   st.member_capacity,
                        std::move(left_out)};
    }
    return s;
  }

  std::vector<PeerInfo> peers() override { return ha ? ha->peers() : std::vector<PeerInfo>{}; }

  // Starts replication before the datapath answers, so a node that cannot bind its HA
  // endpoints stops at once. Peers' snapshots arrive on their own and are applied by the
  // control loop.
  void start_ha() {
    if (!ha_config.enabled) return;
    ha = std::make_unique<HaBridge>(ha_config, *table_manager);
    spdlog::info("ha: node {} publishing on {}, snapshots on {}, {} peer(s)", ha_config.node_id,
                 ha_config.publish_bind, ha_config.snapshot_bind, ha_config.peers.size());
  }

  // Peers' changes that arrived since the last turn, then the table they make. This node's
  // own changes so far go out first, so a peer's older write cannot undo them.
  void apply_peer_changes() {
    ha->publish_local_changes();
    if (ha->apply_remote_changes() == 0) return;
    // A peer's later write replaced static members here: the running config follows, or
    // the next API change or reload-free reconfigure would bring them back.
    for (const auto& [vni, addr] : table_manager->take_superseded_static())
      for (StaticVni& v : config.vnis)
        if (v.vni == vni) std::erase(v.members, addr);
    // A static VNI the peer's write emptied leaves the table too (unless the file has it).
    if (drop_emptied_vnis(config.vnis, file_vnis) > 0) table_manager->reconfigure(config);
    publish_table();
  }

  uint64_t datapath_poll_turns() const {
    return card_mode() ? card_datapath->poll_turns() : datapath->poll_turns();
  }

  void write_health() {
    if (config.health_file.empty()) return;
    std::vector<std::string> down;
    for (DpdkPort* p : ports)
      if (!p->kernel_ifname().empty() && kernel_link_down(p->kernel_ifname()))
        down.push_back(p->kernel_ifname());
    const HealthVerdict v =
        health.judge(datapath_poll_turns(), down, draining, std::chrono::steady_clock::now());
    const auto unix_ms = static_cast<int64_t>(HybridClock::system_ms());
    const bool written = replace_file_atomically(
        config.health_file, health_line(v.healthy, v.reason, ::getpid(), unix_ms, config.datapath));
    if (v.healthy != last_health.healthy || v.reason != last_health.reason)
      spdlog::info("health: {} ({})", v.healthy ? "healthy" : "unhealthy", v.reason);
    if (!written && health_written) spdlog::warn("health: cannot write {}", config.health_file);
    last_health = v;
    health_written = written;
  }
  CountersInfo counters() override {
    if (!card_mode()) return collect_counters(nullptr);
    const CardCounters k = card->read_counters();
    return collect_counters(&k);
  }

  // The datapath's, the VNIs' and the ports' counters; `k` is the card's counter block,
  // read once by the caller, when a card counts.
  CountersInfo collect_counters(const CardCounters* k) {
    CountersInfo c;
    if (k) {
      c.datapath = card_snapshot(*k, card_datapath->host_counters().snapshot());
      c.host_frames = card_datapath->host_frames();
      c.vnis = counter_slots->vni_counters(*k);
    } else {
      c.datapath = datapath->counters().snapshot();
      c.host_frames = datapath->host_frames();
      c.vnis = vni_counters.snapshots();
    }
    for (DpdkPort* p : ports) {
      DpdkPort::Stats st = p->stats();
      c.ports.push_back(PortCountersInfo{p->name(), p->kernel_ifname(), st.ipackets, st.opackets,
                                         st.ibytes, st.obytes, st.imissed, st.ierrors, st.oerrors,
                                         p->mac().to_string(), p->max_frame_len()});
    }
    return c;
  }

  // Serves the management API from now on; refuses to run without it (a socket in use,
  // an unknown group, an unreadable certificate are configuration errors).
  void start_api() {
    management = std::make_unique<ManagementService>(*this, api_queue);
    api_server = std::make_unique<ApiServer>(config.api, *management, VXSN_VERSION);
    api_server->start();
  }

  // The registration server answers on the service addresses, so VTEPs reach whichever
  // node the anycast address leads them to; the kernel (not the datapath) gets UDP 10001.
  static RegistrationLimits registration_limits(const Config& c) {
    RegistrationLimits l;
    l.reply_holdtime_s = c.table.holdtime_s;
    l.max_holdtime_s = c.table.max_holdtime_s;
    l.quota = {c.table.max_registrations_per_identifier, c.table.max_registrations_per_source,
               c.table.max_entries};
    l.max_reply_factor = c.table.registration_reply_factor;
    return l;
  }

  void start_registration() {
    RegistrationServerConfig rc;
    rc.listen_addresses = config.service_addresses;
    rc.limits = registration_limits(config);
    // Whole datagrams per requester: bounds how far spoofed queries amplify into replies.
    rc.rate = RateLimit{50, 200};
    registration = std::make_unique<RegistrationServer>(*table_manager, rc);
    registration->set_allow_list(std::make_shared<AllowList>(AllowList::from_config(config)));
    std::string error;
    if (!registration->start(&error))
      throw std::runtime_error("registration server on UDP " + std::to_string(rc.port) + ": " +
                               error);
    spdlog::info("registration server listening on UDP {}", registration->port());
  }

  void stop_api() {
    api_queue.close();  // API threads waiting on this loop return with an error first
    if (api_server) api_server->stop();
  }

  // Everything the node reports, collected in one place: the stats file and the metrics
  // endpoint are views of it; the API's getCounters takes the same collect_counters(), on
  // demand. Control thread.
  NodeSnapshot snapshot() {
    NodeSnapshot s;
    s.status = node_status();
    s.table_entries = table_manager->entry_count();
    s.table_vnis = table_manager->vni_count();
    s.control = table_manager->counters();
    if (card_mode()) {
      const CardCounters k = card->read_counters();  // once: every card figure of one instant
      s.counters = collect_counters(&k);
      s.card_counts = CardOnlyCounts{k.learn_events, k.learn_suppressed, k.learn_ring_full,
                                     k.rx_disabled, k.rx_oversize};
    } else {
      s.counters = collect_counters(nullptr);
      const LearnFilterCounters& l = datapath->learn_counters();
      s.datapath_learn = DatapathLearnCounts{l.checked.get(), l.reported.get(),
                                             l.rate_limited.get(), l.queue_full.get()};
    }
    if (registration) s.registration = registration->counters();
    if (api_server) s.api = api_server->connection_counters();
    if (ha) s.ha = ha->snapshot();
    return s;
  }

  // Off unless [metrics] listen is set; a listener that cannot start stops the daemon like
  // the API's.
  void start_metrics() {
    if (!config.metrics.enabled) return;
    metrics = std::make_unique<MetricsServer>(config.metrics, VXSN_VERSION);
    spdlog::info("metrics: Prometheus endpoint on http://{}/metrics", metrics->endpoint());
  }

  // The stats file: the snapshot plus the steering section (rules and per-port enforcers,
  // the stats file's alone for now).
  nlohmann::json stats_file_json(const NodeSnapshot& s) const {
    nlohmann::json j = stats_json(s);
    j["steering"] =
        steering_json(steering, owned_ports,
                      card_mode() ? card_datapath->steering_hits() : datapath->steering_hits());
    return j;
  }

  // Every stats interval: one snapshot for the stats file and the metrics endpoint.
  void report() {
    if (config.stats_file.empty() && !metrics) return;
    auto s = std::make_shared<const NodeSnapshot>(snapshot());
    if (!config.stats_file.empty()) write_stats_file(config.stats_file, stats_file_json(*s));
    if (metrics) metrics->publish(std::move(s));
  }

  static void arm(const Fd& timer, uint32_t interval_ms) {
    itimerspec spec{};
    spec.it_interval.tv_sec = interval_ms / 1000;
    spec.it_interval.tv_nsec = (interval_ms % 1000) * 1000000L;
    spec.it_value = spec.it_interval;
    timerfd_settime(timer.get(), 0, &spec, nullptr);
  }

  int run() {
    steering = compile_steering_policy(steering_inputs_of(config));
    eal_init(config.eal_args.empty() ? default_eal_args() : config.eal_args);
    open_ports();

    resolver = std::make_unique<NextHopResolver>([this] {
      uint64_t one = 1;
      // The control loop coalesces bursts of changes into one table rebuild.
      [[maybe_unused]] ssize_t n = ::write(nexthop_changed.get(), &one, sizeof one);
    });
    start_table();
    if (auto addresses = table_manager->take_address_changes())
      resolver->set_targets(std::move(*addresses));
    resolver->start();
    if (config.datapath == "emu") {
      card = std::make_unique<EmuCard>();
      card->configure(card_control_of(config));
      counter_slots = std::make_unique<CardCounterSlots>(*card);
    }
    publish_table();
    // Before the datapath starts, so a listener that cannot start stops the daemon cleanly;
    // calls wait in the queue until the control loop below runs them.
    start_api();
    start_metrics();
    start_registration();
    start_ha();

    if (card_mode()) {
      card_datapath = std::make_unique<CardDatapath>(ports, *card, steering);
      card_datapath->start();
    } else {
      datapath =
          std::make_unique<SoftwareDatapath>(ports, tables, parse_config_of(config), steering,
                                             &learn_queue, learn_filter_params(config));
      datapath->start();
    }
    spdlog::info("vxsnd {}: {} datapath running on {} port(s), VXLAN port {}", config.node_id,
                 config.datapath, ports.size(), config.vxlan_port);
    report();  // the metrics endpoint answers 503 until this first snapshot

    sigset_t set = daemon_signals();
    Fd signals{signalfd(-1, &set, SFD_CLOEXEC)};
    Fd stats_timer{timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK)};
    arm(stats_timer, config.stats_interval_ms);
    Fd control_timer{timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK)};
    arm(control_timer, control_tick_ms(config));
    uint32_t stats_interval_ms = config.stats_interval_ms;
    Fd health_timer{timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK)};
    if (!config.health_file.empty()) {
      write_health();
      arm(health_timer, config.health_interval_ms);
    }

    for (bool running = true; running;) {
      pollfd fds[8] = {{signals.get(), POLLIN, 0},      {nexthop_changed.get(), POLLIN, 0},
                       {stats_timer.get(), POLLIN, 0},  {control_timer.get(), POLLIN, 0},
                       {api_queue.fd(), POLLIN, 0},     {health_timer.get(), POLLIN, 0},
                       {ha ? ha->fd() : -1, POLLIN, 0}, {table_changed_elsewhere.get(), POLLIN, 0}};
      if (::poll(fds, 8, -1) < 0) {
        if (errno == EINTR) continue;
        throw std::system_error(errno, std::generic_category(), "poll");
      }
      if (fds[0].revents & POLLIN) {
        signalfd_siginfo info;
        if (::read(signals.get(), &info, sizeof info) == sizeof info) {
          if (info.ssi_signo == SIGHUP) {
            reload();
            stats_interval_ms = config.stats_interval_ms;
            arm(stats_timer, stats_interval_ms);
          } else {
            spdlog::info("signal {}: draining and exiting", strsignal(info.ssi_signo));
            running = false;
          }
        }
      }
      if (fds[1].revents & POLLIN) {
        uint64_t count;
        [[maybe_unused]] ssize_t n = ::read(nexthop_changed.get(), &count, sizeof count);
        next_hops_changed();
      }
      if (fds[2].revents & POLLIN) {
        uint64_t expirations;
        [[maybe_unused]] ssize_t n = ::read(stats_timer.get(), &expirations, sizeof expirations);
        report();
      }
      if (fds[3].revents & POLLIN) {
        uint64_t expirations;
        [[maybe_unused]] ssize_t n = ::read(control_timer.get(), &expirations, sizeof expirations);
        control_tick();
      }
      if (fds[4].revents & POLLIN) api_queue.run_pending();
      if (fds[5].revents & POLLIN) {
        uint64_t expirations;
        [[maybe_unused]] ssize_t n = ::read(health_timer.get(), &expirations, sizeof expirations);
        write_health();
      }
      if (fds[6].revents & POLLIN) apply_peer_changes();
      if (fds[7].revents & POLLIN) {
        uint64_t count;
        [[maybe_unused]] ssize_t n = ::read(table_changed_elsewhere.get(), &count, sizeof count);
        publish_table();
      }
      // Whatever this turn changed in the table's own sources (API, reload, learning,
      // registrations since the last turn) goes to the peers.
      if (ha) ha->publish_local_changes();
      if (stats_interval_ms != config.stats_interval_ms) {  // reloaded through the API
        stats_interval_ms = config.stats_interval_ms;
        arm(stats_timer, stats_interval_ms);
      }
    }
    // The announcer withdraws the anycast route before the datapath stops forwarding.
    draining = true;
    write_health();
    stop_api();
    registration->stop();

    if (card_mode())
      card_datapath->stop();
    else
      datapath->stop();
    resolver->stop();
    drain_learn_events();
    metrics.reset();
    const nlohmann::json final_stats = stats_file_json(snapshot());
    if (!config.stats_file.empty()) write_stats_file(config.stats_file, final_stats);
    spdlog::info("final counters: {}", final_stats.dump());
    ha.reset();  // peers see silence and mark this node down, as after a crash
    return 0;
  }

  ~Impl() override {
    metrics.reset();  // its scrapes read nothing of ours, but stop serving first
    stop_api();       // also when run() left by an exception
    ha.reset();
    datapath.reset();
    card_datapath.reset();
    counter_slots.reset();
    card.reset();
    resolver.reset();
    owned_ports.clear();  // closes ports: detaches XDP programs
    eal_cleanup();
  }
};

Daemon::Daemon(Config config, HaConfig ha, std::string config_path, ConfigOverrides overrides)
    : impl_(std::make_unique<Impl>()) {
  impl_->config = std::move(config);
  impl_->file_vnis = impl_->config.vnis;
  impl_->ha_config = std::move(ha);
  impl_->config_path = std::move(config_path);
  impl_->overrides = std::move(overrides);
}

Daemon::~Daemon() = default;

int Daemon::run() {
  return impl_->run();
}

}  // namespace vxsn
