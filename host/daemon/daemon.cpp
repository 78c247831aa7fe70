// The daemon: its components, started in order and stopped in the reverse, and the glue
// between them that the management API drives (DaemonControl).
//
// Start order (each step may rely on those before it):
//   1. steering policy, EAL and ports
//   2. forwarding   the datapath (software, or the card's kernels), not yet polling
//   3. table        membership (plus the state file's entries, read beside steps 1-2)
//                   -> next hops -> compiler -> the first table published
//   4. API, metrics, registration, HA: listeners that cannot start stop the daemon here,
//      before any frame is forwarded (after a restart with a state file: the datapath
//      forwards from the file's warm table since step 3, so a failing listener stops a
//      node that has flooded for a second or two)
//   5. forwarding starts polling (unless the warm table started it); the first report;
//      systemd hears READY=1
//   6. the control loop (event_loop.hpp) until SIGTERM/SIGINT; systemd's watchdog is fed
//      from it while the poll loops turn, and hears RELOADING=1/READY=1 around a SIGHUP
// Stop: systemd hears STOPPING=1, health says draining (the announcer withdraws the
// anycast route), API and
// registration stop, the datapath drains, the table's resolver stops, the final counters
// are written, the state file is saved, the peers see this node go silent.
#include "host/daemon/daemon.hpp"

#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <cstring>

#include "driver/dpdk/eal.hpp"
#include "driver/dpdk/lcore_layout.hpp"
#include "driver/dpdk/port.hpp"
#include "driver/steering/flow_api.hpp"
#include "driver/steering/port_steering.hpp"
#include "driver/steering/steering_policy.hpp"
#include "host/api/api_server.hpp"
#include "host/config/static_members.hpp"
#include "host/config/steering_inputs.hpp"
#include "host/daemon/config_reload.hpp"
#include "host/daemon/control_queue.hpp"
#include "host/daemon/emu_card_forwarding.hpp"
#include "host/daemon/event_loop.hpp"
#include "host/daemon/ha_bridge.hpp"
#include "host/daemon/health_file_writer.hpp"
#include "host/daemon/kernel_path.hpp"
#include "host/daemon/management_service.hpp"
#include "host/daemon/registration_setup.hpp"
#include "host/daemon/service_address_change.hpp"
#include "host/daemon/service_notifier.hpp"
#include "host/daemon/software_forwarding.hpp"
#include "host/daemon/state_persistence.hpp"
#include "host/daemon/stats_report.hpp"
#include "host/daemon/steering_report.hpp"
#include "host/daemon/table_pipeline.hpp"
#ifdef VXSN_HAVE_XRT
#include "host/daemon/xrt_card_forwarding.hpp"
#endif
#include "host/log/elapsed_ms.hpp"
#include "host/metrics/metrics_server.hpp"

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

// Membership changes, learn events and ageing are handled on this tick; the ageing
// granularity itself is table.ageing_interval_ms.
uint32_t control_tick_ms(const Config& c) {
  return std::min<uint32_t>(100, c.table.ageing_interval_ms);
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

  // Compiled at start, and again by a reload that changes the service addresses; every
  // port's enforcer and the datapath's classifier take it.
  SteeringPolicy steering;
  RteFlowApi flow_api;
  // Each port with its steering enforcer (rte_flow, XDP or software); flows are flushed
  // and XDP programs detached when they go.
  std::vector<std::unique_ptr<PortSteering>> owned_ports;
  std::vector<DpdkPort*> ports;
  std::vector<std::unique_ptr<KernelPath>> kernel_paths;  // per port; null: the kernel owns it
  VniCounterRegistry vni_counters;                        // the compiled tables' per-VNI counters
  std::unique_ptr<Forwarding> forwarding;
  std::unique_ptr<TablePipeline> table_pipeline;
  // The management API: its threads hand their work to the control loop through the queue.
  ControlQueue api_queue;
  std::unique_ptr<ManagementService> management;
  std::unique_ptr<ApiServer> api_server;
  // The Prometheus endpoint ([metrics]); serves what report() last published.
  std::unique_ptr<MetricsServer> metrics;
  // VTEPs register on UDP 10001 (vxfld protocol); its own thread, the table manager's lock.
  std::unique_ptr<RegistrationServer> registration;
  // HA: the table's own changes go to the peers, theirs come in.
  std::unique_ptr<HaBridge> ha;
  std::unique_ptr<HealthFileWriter> health;
  std::unique_ptr<StatePersistence> state;
  // systemd's Type=notify and watchdog (nothing outside systemd).
  ServiceNotifier notifier;
  bool draining = false;
  // Every CPU the daemon may use, as it started (the EAL then pins this thread to the main
  // lcore's): the first table compiles on all of them before the datapath polls.
  std::vector<unsigned> start_cpus;

  TableManager& table_manager() { return table_pipeline->manager(); }

  // 1. The EAL: the main lcore (this thread: control loop, API, and every thread started
  // from here) off the datapath lcores' CPUs where the machine has CPUs to spare.
  std::vector<std::string> eal_arguments() const {
    std::vector<std::string> args = config.eal_args.empty() ? default_eal_args() : config.eal_args;
    const LcoreLayout layout =
        plan_lcores(config.datapath_lcores.count, config.datapath_lcores.cpus, start_cpus);
    args.push_back(layout.eal_argument());
    spdlog::info("datapath lcores on CPU(s) {}, control loop and API on CPU(s) {}",
                 fmt::join(layout.datapath_cpus, ","), fmt::join(layout.main_cpus, ","));
    return args;
  }

  // 1. Ports, each with its steering enforcer.
  void open_ports() {
    for (const PortSettings& s : config.ports) {
      PortConfig pc;
      pc.devargs = s.device;
      pc.max_frame_len = s.max_frame_len;
      // A TX queue per datapath lcore (the fpga card's ports are its own: one of each).
      const uint16_t lanes = config.datapath == "fpga"
                                 ? 1
                                 : static_cast<uint16_t>(config.datapath_lcores.lane_count());
      pc.rx_queues = s.rx_queues != 0 ? s.rx_queues : lanes;
      pc.tx_queues = lanes;
      owned_ports.push_back(PortSteering::open(pc, steering, flow_api));
      DpdkPort* p = &owned_ports.back()->port();
      ports.push_back(p);
      spdlog::info("port {}: {} mac {} kernel interface '{}' carries frames up to {} bytes",
                   ports.size() - 1, p->name(), p->mac().to_string(), p->kernel_ifname(),
                   p->max_frame_len());
      // The driver has already warned if the port cannot carry max_frame_len.
      kernel_paths.push_back(nullptr);
      if (!s.kernel_interface.empty()) {
        kernel_paths.back() = KernelPath::open(s.kernel_interface, *p, lanes,
                                               static_cast<unsigned>(ports.size() - 1));
        spdlog::info("port {}: kernel path {} (mac {}): the host's frames go through it",
                     ports.size() - 1, s.kernel_interface, p->mac().to_string());
      }
    }
  }

  // 2. The datapath of the configured mode.
  void create_forwarding() {
#ifdef VXSN_HAVE_XRT
    if (config.datapath == "fpga") {
      auto fpga = std::make_unique<XrtCardForwarding>(config, vni_counters, ports, steering);
      for (size_t p = 0; p < kernel_paths.size(); ++p)
        if (kernel_paths[p]) fpga->attach_kernel_path(p, &kernel_paths[p]->tap());
      forwarding = std::move(fpga);
      return;
    }
#endif
    if (config.datapath == "emu") {
      auto emu = std::make_unique<EmuCardForwarding>(ports, config, steering, vni_counters);
      for (size_t p = 0; p < kernel_paths.size(); ++p)
        if (kernel_paths[p]) emu->attach_kernel_path(p, &kernel_paths[p]->tap());
      forwarding = std::move(emu);
      return;
    }
    auto software = std::make_unique<SoftwareForwarding>(ports, config, steering, vni_counters);
    for (size_t p = 0; p < kernel_paths.size(); ++p)
      if (kernel_paths[p]) software->attach_kernel_path(p, &kernel_paths[p]->tap());
    // An XDP program hands the datapath only what its rules send there.
    for (size_t p = 0; p < owned_ports.size(); ++p)
      if (owned_ports[p]->enforcer() == SteeringEnforcer::kXdp) software->skip_classifier(p);
    forwarding = std::move(software);
  }

  // 4. Serves the management API from now on; refuses to run without it (a socket in use,
  // an unknown group, an unreadable certificate are configuration errors). Calls wait in
  // the queue until the control loop runs them.
  void start_api() {
    management = std::make_unique<ManagementService>(*this, api_queue);
    api_server = std::make_unique<ApiServer>(config.api, *management, VXSN_VERSION);
    api_server->start();
  }

  void stop_api() {
    api_queue.close();  // API threads waiting on this loop return with an error first
    if (api_server) api_server->stop();
  }

  // Off unless [metrics] listen is set; a listener that cannot start stops the daemon like
  // the API's.
  void start_metrics() {
    if (!config.metrics.enabled) return;
    metrics = std::make_unique<MetricsServer>(config.metrics, VXSN_VERSION);
    spdlog::info("metrics: Prometheus endpoint on http://{}/metrics", metrics->endpoint());
  }

  // Replication starts before the datapath answers, so a node that cannot bind its HA
  // endpoints stops at once. Peers' snapshots arrive on their own and are applied by the
  // control loop.
  void start_ha() {
    if (!ha_config.enabled) return;
    ha = std::make_unique<HaBridge>(ha_config, table_manager());
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
    for (const auto& [vni, addr] : table_manager().take_superseded_static())
      for (StaticVni& v : config.vnis)
        if (v.vni == vni) std::erase(v.members, addr);
    // A static VNI the peer's write emptied leaves the table too (unless the file has it).
    if (drop_emptied_vnis(config.vnis, file_vnis) > 0) table_manager().reconfigure(config);
    table_pipeline->publish();
  }

  void reload() {
    spdlog::info("SIGHUP: reloading {}", config_path);
    notifier.reloading();
    try {
      reload_config_file();
    } catch (const ConfigError& e) {
      spdlog::error("reload refused, the running table stays: {}", e.what());
    }
    notifier.ready();  // a refused reload leaves the old config running: ready all the same
  }

  // DaemonControl (the management API, on the control thread).
  Config& running_config() override {
    return config;
  }
  const std::vector<StaticVni>& config_file_vnis() const override {
    return file_vnis;
  }
  const std::string& config_file() const override {
    return config_path;
  }
  TableManager& table() override {
    return table_manager();
  }
  void static_members_changed(uint32_t vni) override {
    const auto v = std::find_if(config.vnis.begin(), config.vnis.end(),
                                [&](const StaticVni& s) { return s.vni == vni; });
    table_manager().set_static_vni(vni, v == config.vnis.end() ? nullptr : &v->members);
    table_pipeline->publish();
  }
  void static_members_changed(uint32_t vni, const std::vector<IpAddr>& added,
                              const std::vector<IpAddr>& removed) override {
    const bool configured = std::any_of(config.vnis.begin(), config.vnis.end(),
                                        [&](const StaticVni& s) { return s.vni == vni; });
    table_manager().change_static_members(vni, added, removed, configured);
    table_pipeline->publish();
  }
  void table_changed() override {
    table_pipeline->publish();
  }
  void flood_policy_changed() override {
    table_pipeline->set_layout(config);
    table_pipeline->publish();
  }

  // The table, its replication parameters and the service addresses reload; ports, the
  // VXLAN port and the API's listeners are fixed for the process's life.
  std::vector<std::string> reload_config_file() override {
    Config fresh = load_config(config_path);
    if (overrides) overrides(fresh);
    validate_config(fresh, config_path);
    std::vector<std::string> restart =
        restart_only_changes(config, fresh, !(load_ha_config(config_path) == ha_config));
    if (!restart.empty())
      spdlog::warn("reload: {} change(s) only on restart; applying the rest",
                   fmt::join(restart, ", "));
    // First, as it may still refuse the reload (nothing else changed then).
    if (fresh.service_addresses != config.service_addresses) {
      steering =
          change_service_addresses(steering, fresh.service_addresses,
                                   {owned_ports, *forwarding, registration.get()}, config_path);
      config.service_addresses = fresh.service_addresses;
    }
    const bool layout_changed = !same_layout(config, fresh);
    apply_reloadable(config, std::move(fresh), file_vnis);
    spdlog::set_level(spdlog::level::from_str(config.log_level));
    if (metrics) metrics->set_top_vnis(config.metrics.top_vnis);
    table_manager().reconfigure(config);
    reconfigure_registration(*registration, config);
    if (layout_changed) table_pipeline->set_layout(config);
    table_pipeline->publish();
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
    s.table_generation = table_pipeline->generation();
    const TableSummary& summary = table_pipeline->summary();
    s.vnis = summary.vnis;
    s.members = summary.members;
    s.unresolved_members = summary.unresolved;
    s.entries_by_source = table_manager().entries_by_source();
    s.max_vnis = config.table.max_vnis;
    s.max_members_per_vni = config.table.max_members_per_vni;
    s.max_entries = config.table.max_entries;
    s.card = forwarding->card_info();
    return s;
  }

  std::vector<PeerInfo> peers() override {
    return ha ? ha->peers() : std::vector<PeerInfo>{};
  }

  CountersInfo counters() override {
    return counters_of(forwarding->read_counters());
  }

  // A datapath reading plus the ports' own counters.
  CountersInfo counters_of(const ForwardingReading& r) const {
    CountersInfo c;
    c.datapath = r.datapath;
    c.host_frames = r.host_frames;
    c.vnis = r.vnis;
    for (DpdkPort* p : ports) {
      DpdkPort::Stats st = p->stats();
      c.ports.push_back(PortCountersInfo{
          p->name(), p->kernel_ifname(), st.ipackets, st.opackets, st.ibytes, st.obytes, st.imissed,
          st.ierrors, st.oerrors, st.rx_ring_full, p->mac().to_string(), p->max_frame_len()});
    }
    return c;
  }

  // Everything the node reports, collected in one place: the stats file and the metrics
  // endpoint are views of it; the API's getCounters takes the same counters_of(), on
  // demand. Control thread.
  NodeSnapshot snapshot() {
    NodeSnapshot s;
    s.status = node_status();
    s.table_entries = table_manager().entry_count();
    s.table_vnis = table_manager().vni_count();
    s.control = table_manager().counters();
    const ForwardingReading r = forwarding->read_counters();  // once: one instant
    s.counters = counters_of(r);
    s.card_counts = r.card;
    s.lcores = r.lcores;
    s.kernel_paths = r.kernel_paths;
    s.datapath_learn = r.learn;
    if (registration) s.registration = registration->counters();
    if (api_server) s.api = api_server->connection_counters();
    if (ha) s.ha = ha->snapshot();
    return s;
  }

  // The stats file: the snapshot plus the steering section (rules and per-port enforcers,
  // the stats file's alone for now).
  nlohmann::json stats_file_json(const NodeSnapshot& s) const {
    nlohmann::json j = stats_json(s);
    j["steering"] = steering_json(steering, owned_ports, forwarding->steering_hits());
    if (state && state->enabled()) j["state_file"] = state->stats_json();
    return j;
  }

  // Every stats interval: one snapshot for the stats file and the metrics endpoint.
  void report() {
    if (config.stats_file.empty() && !metrics) return;
    auto s = std::make_shared<const NodeSnapshot>(snapshot());
    if (!config.stats_file.empty()) write_stats_file(config.stats_file, stats_file_json(*s));
    if (metrics) metrics->publish(std::move(s));
  }

  void write_health() {
    health->write(forwarding->poll_turns(), ports, draining);
  }

  int run() {
    // The state file is read and decoded while the EAL and the ports come up.
    state = std::make_unique<StatePersistence>(config);
    auto t = std::chrono::steady_clock::now();
    auto step = [&t] {
      const double ms = ms_since(t);
      t = std::chrono::steady_clock::now();
      return ms;
    };
    steering = compile_steering_policy(steering_inputs_of(config));
    // A shard of every VNI's traffic counters per lane (a card datapath counts on the card).
    vni_counters.set_lanes(config.datapath == "software" ? config.datapath_lcores.lane_count() : 1);
    start_cpus = usable_cpus();  // before the EAL pins this thread
    eal_init(eal_arguments());
    const double eal_ms = step();
    open_ports();
    const double ports_ms = step();
    create_forwarding();
    table_pipeline = std::make_unique<TablePipeline>(config, ports, vni_counters, *forwarding);
    const double datapath_ms = step();
    // A restart floods to the members it had at once: the state file's warm table, while
    // the table manager, the API and the listeners come back.
    const bool warm = state->warm_start(*table_pipeline, start_cpus);
    if (warm) {
      forwarding->start();
      spdlog::info("forwarding from the state file's warm table {:.1f} ms after start",
                   uptime_s() * 1000);
    }
    state->restore_into(*table_pipeline);
    step();
    // Until the datapath polls, its cores may compile the first table too.
    const TablePipeline::PublishTimes first =
        table_pipeline->start(warm ? std::vector<unsigned>{} : start_cpus);
    const double table_ms = step();
    start_api();
    start_metrics();
    registration = start_registration_server(config, table_manager());
    start_ha();
    if (!warm) forwarding->start();
    const double listeners_ms = step();
    spdlog::info("vxsnd {}: {} datapath running on {} port(s), VXLAN port {}", config.node_id,
                 config.datapath, ports.size(), config.vxlan_port);
    spdlog::info(
        "start: steering and EAL {:.1f} ms, ports {:.1f} ms, datapath {:.1f} ms, {}{}first table "
        "{:.1f} ms (resolver targets {:.1f}, compile {:.1f}, publish {:.1f}), listeners and "
        "polling {:.1f} ms; ready {:.1f} ms after start",
        eal_ms, ports_ms, datapath_ms, state->start_summary(), state->enabled() ? ", " : "",
        table_ms, first.targets_ms, first.compile_ms, first.publish_ms, listeners_ms,
        uptime_s() * 1000);
    report();  // the metrics endpoint answers 503 until this first snapshot
    notifier.ready();
    control_loop();
    shut_down();
    return 0;
  }

  // 6. Until SIGTERM/SIGINT. A handler that changes the table publishes it.
  void control_loop() {
    EventLoop loop;
    sigset_t set = daemon_signals();
    Fd signals{signalfd(-1, &set, SFD_CLOEXEC)};
    IntervalTimer stats_timer, control_timer, health_timer, state_timer, watchdog_timer;
    if (state->enabled()) state_timer.arm(config.state_interval_ms);
    stats_timer.arm(config.stats_interval_ms);
    control_timer.arm(control_tick_ms(config));
    if (notifier.watchdog_check_ms() > 0) watchdog_timer.arm(notifier.watchdog_check_ms());
    health = std::make_unique<HealthFileWriter>(config.health_file, config.datapath);
    if (health->enabled()) {
      write_health();
      health_timer.arm(config.health_interval_ms);
    }

    loop.watch(signals.get(), [&] {
      signalfd_siginfo info;
      if (::read(signals.get(), &info, sizeof info) != sizeof info) return;
      if (info.ssi_signo == SIGHUP) {
        reload();
      } else {
        spdlog::info("signal {}: draining and exiting", strsignal(info.ssi_signo));
        loop.stop();
      }
    });
    loop.watch(table_pipeline->next_hops_fd(), [&] { table_pipeline->next_hops_changed(); });
    loop.watch(stats_timer.fd(), [&] {
      stats_timer.consume();
      report();
    });
    loop.watch(control_timer.fd(), [&] {
      control_timer.consume();
      table_pipeline->tick();
    });
    loop.watch(api_queue.fd(), [&] { api_queue.run_pending(); });
    loop.watch(state_timer.fd(), [&] {
      state_timer.consume();
      state->save_async(*table_pipeline);
    });
    loop.watch(health_timer.fd(), [&] {
      health_timer.consume();
      write_health();
    });
    loop.watch(watchdog_timer.fd(), [&] {
      watchdog_timer.consume();
      notifier.watchdog(forwarding->poll_turns());
    });
    if (ha) loop.watch(ha->fd(), [&] { apply_peer_changes(); });
    loop.watch(table_pipeline->changed_elsewhere_fd(),
               [&] { table_pipeline->changed_elsewhere(); });
    loop.after_each_turn([&] {
      // Whatever this turn changed in the table's own sources (API, reload, learning,
      // registrations since the last turn) goes to the peers.
      if (ha) ha->publish_local_changes();
      // A reload (SIGHUP or the API) may have changed the stats interval.
      if (stats_timer.interval_ms() != config.stats_interval_ms)
        stats_timer.arm(config.stats_interval_ms);
    });
    loop.run();
  }

  // The reverse of the start: see the top of this file.
  void shut_down() {
    notifier.stopping();
    draining = true;
    write_health();
    stop_api();
    registration->stop();
    forwarding->stop();
    table_pipeline->stop();
    table_pipeline->take_learn_events();
    state->save_now(*table_pipeline);  // nothing changes the table's own sources any more
    metrics.reset();
    const nlohmann::json final_stats = stats_file_json(snapshot());
    if (!config.stats_file.empty()) write_stats_file(config.stats_file, final_stats);
    spdlog::info("final counters: {}", final_stats.dump());
    ha.reset();  // peers see silence and mark this node down, as after a crash
  }

  ~Impl() override {
    metrics.reset();  // its scrapes read nothing of ours, but stop serving first
    stop_api();       // also when run() left by an exception
    ha.reset();
    registration.reset();  // its thread changes the table
    forwarding.reset();    // stops the datapath's threads
    table_pipeline.reset();
    kernel_paths.clear();  // removes the TAPs
    owned_ports.clear();   // closes ports: detaches XDP programs
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
