#include "host/daemon/daemon.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <mutex>

#include "driver/dpdk/eal.hpp"
#include "driver/dpdk/port.hpp"
#include "host/daemon/card_datapath.hpp"
#include "host/daemon/card_table_spec.hpp"
#include "host/daemon/software_datapath.hpp"
#include "host/daemon/stats_report.hpp"
#include "host/daemon/table_compiler.hpp"
#include "host/nexthop/next_hop_resolver.hpp"

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

nlohmann::json card_json(const CardStatus& st, const CardCounters& c) {
  return {{"backend", st.backend},
          {"device", st.device},
          {"kernel", st.kernel_version},
          {"layout_version", st.layout_version},
          {"enabled", st.enabled},
          {"active_bank", st.active_bank},
          {"table_version", st.table_version},
          {"tables_loaded", st.tables_loaded},
          {"vnis", st.vni_count},
          {"vni_capacity", st.vni_capacity},
          {"members", st.member_count},
          {"member_capacity", st.member_capacity},
          {"learn_events", c.learn_events},
          {"learn_suppressed", c.learn_suppressed},
          {"learn_ring_full", c.learn_ring_full},
          {"rx_disabled", c.rx_disabled},
          {"rx_oversize", c.rx_oversize}};
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

struct Daemon::Impl {
  Config config;
  std::string config_path;
  ConfigOverrides overrides;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

  std::vector<std::unique_ptr<DpdkPort>> owned_ports;
  std::vector<DpdkPort*> ports;
  VniCounterRegistry vni_counters;
  FloodTablePublisher tables;
  TableSummary summary;
  uint64_t generation = 0;
  Fd nexthop_changed{eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)};
  std::unique_ptr<NextHopResolver> resolver;
  std::unique_ptr<SoftwareDatapath> datapath;
  // emu mode: the emulated card and its poll loop instead of `datapath`.
  std::unique_ptr<EmuCard> card;
  std::unique_ptr<CardDatapath> card_datapath;
  CounterSlotAllocator counter_slots;
  std::vector<LearnEvent> learn_events;

  bool card_mode() const { return card != nullptr; }

  void open_ports() {
    for (const PortSettings& s : config.ports) {
      PortConfig pc;
      pc.devargs = s.device;
      pc.max_frame_len = s.max_frame_len;
      owned_ports.push_back(DpdkPort::open(pc));
      DpdkPort* p = owned_ports.back().get();
      ports.push_back(p);
      spdlog::info("port {}: {} mac {} kernel interface '{}' carries frames up to {} bytes",
                   ports.size() - 1, p->name(), p->mac().to_string(), p->kernel_ifname(),
                   p->max_frame_len());
      // The driver has already warned if the port cannot carry max_frame_len.
    }
  }

  void publish_table() {
    TableSummary s;
    auto table = compile_table(config, ports, *resolver, vni_counters, &s);
    if (card_mode()) {
      if (!load_card_table(*table)) return;
    } else {
      tables.publish(std::move(table));
    }
    ++generation;
    if (s.unresolved != summary.unresolved || s.vnis != summary.vnis ||
        s.members != summary.members)
      spdlog::info("table generation {}: {} VNIs, {} members, {} without next hop", generation,
                   s.vnis, s.members, s.unresolved);
    summary = s;
  }

  // Serialises `table` and loads it into the card's idle bank, then flips. A table the card
  // cannot hold is refused as a whole: the running table stays.
  bool load_card_table(const FloodTable& table) {
    try {
      CardTableSpec spec = card_table_spec(
          table, [this](const VniEntry& e) { return counter_slots.slot_of(e.vni); });
      // The card's learn cache forgets on a version change, so every table gets a new one.
      spec.version = generation + 1;
      card->load_table(serialise_bank(spec));
      return true;
    } catch (const CardError& e) {
      spdlog::error("table generation {} refused by the card, the running table stays: {}",
                    generation + 1, e.what());
      return false;
    }
  }

  // The control plane will consume these (learning); for now they are logged.
  void drain_learn_events() {
    if (!card_mode()) return;
    learn_events.clear();
    card->drain_learn_events(learn_events);
    for (const LearnEvent& e : learn_events)
      spdlog::debug("learn: VNI {} VTEP {} ({}, table {})", e.vni, e.vtep.to_string(),
                    e.vni_known ? "not a member" : "VNI not in the table", e.table_version);
  }

  void reload() {
    spdlog::info("SIGHUP: reloading {}", config_path);
    Config fresh;
    try {
      fresh = load_config(config_path);
      if (overrides) overrides(fresh);
      validate_config(fresh, config_path);
    } catch (const ConfigError& e) {
      spdlog::error("reload refused, the running table stays: {}", e.what());
      return;
    }
    // The table and its replication parameters reload; ports and addresses the datapath
    // listens on are fixed for the process's life.
    bool restart_needed = fresh.ports.size() != config.ports.size() ||
                          fresh.service_addresses != config.service_addresses ||
                          fresh.vxlan_port != config.vxlan_port ||
                          fresh.eal_args != config.eal_args || fresh.datapath != config.datapath;
    for (size_t i = 0; !restart_needed && i < fresh.ports.size(); ++i)
      restart_needed = fresh.ports[i].device != config.ports[i].device;
    if (restart_needed)
      spdlog::warn(
          "reload: ports, service addresses, VXLAN port and datapath mode change only "
          "on restart; applying the rest");
    config.vnis = std::move(fresh.vnis);
    config.ttl = fresh.ttl;
    config.keep_source_ip = fresh.keep_source_ip;
    config.own_v4 = fresh.own_v4;
    config.own_v6 = fresh.own_v6;
    config.stats_interval_ms = fresh.stats_interval_ms;
    resolver->set_targets(member_addresses(config));
    publish_table();
  }

  nlohmann::json stats() const {
    double uptime =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (!card_mode())
      return stats_json(StatsSources{config.node_id, uptime, config.datapath,
                                     datapath->counters().snapshot(), datapath->host_frames(),
                                     vni_snapshots(vni_counters), ports, summary, generation,
                                     nullptr});
    const CardCounters c = card->read_counters();
    std::vector<std::pair<uint32_t, VniCountersSnapshot>> vnis;
    for (const CardVniCounters& v : c.vnis)
      vnis.emplace_back(v.vni,
                        VniCountersSnapshot{v.frames_in, v.bytes_in, v.copies_out, v.bytes_out});
    return stats_json(StatsSources{config.node_id, uptime, config.datapath,
                                   card_snapshot(c, card_datapath->host_counters().snapshot()),
                                   card_datapath->host_frames(), std::move(vnis), ports, summary,
                                   generation, card_json(card->status(), c)});
  }

  void write_stats() const {
    if (!config.stats_file.empty()) write_stats_file(config.stats_file, stats());
  }

  static void arm(const Fd& timer, uint32_t interval_ms) {
    itimerspec spec{};
    spec.it_interval.tv_sec = interval_ms / 1000;
    spec.it_interval.tv_nsec = (interval_ms % 1000) * 1000000L;
    spec.it_value = spec.it_interval;
    timerfd_settime(timer.get(), 0, &spec, nullptr);
  }

  int run() {
    eal_init(config.eal_args.empty() ? default_eal_args() : config.eal_args);
    open_ports();

    resolver = std::make_unique<NextHopResolver>([this] {
      uint64_t one = 1;
      // The control loop coalesces bursts of changes into one table rebuild.
      [[maybe_unused]] ssize_t n = ::write(nexthop_changed.get(), &one, sizeof one);
    });
    resolver->set_targets(member_addresses(config));
    resolver->start();
    if (config.datapath == "emu") {
      card = std::make_unique<EmuCard>();
      card->configure(card_control_of(config));
    }
    publish_table();

    if (card_mode()) {
      card_datapath = std::make_unique<CardDatapath>(ports, *card, config.vxlan_port);
      card_datapath->start();
    } else {
      datapath = std::make_unique<SoftwareDatapath>(ports, tables, parse_config_of(config));
      datapath->start();
    }
    spdlog::info("vxsnd {}: {} datapath running on {} port(s), VXLAN port {}", config.node_id,
                 config.datapath, ports.size(), config.vxlan_port);

    sigset_t set = daemon_signals();
    Fd signals{signalfd(-1, &set, SFD_CLOEXEC)};
    Fd stats_timer{timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK)};
    arm(stats_timer, config.stats_interval_ms);

    for (bool running = true; running;) {
      pollfd fds[3] = {{signals.get(), POLLIN, 0},
                       {nexthop_changed.get(), POLLIN, 0},
                       {stats_timer.get(), POLLIN, 0}};
      if (::poll(fds, 3, -1) < 0) {
        if (errno == EINTR) continue;
        throw std::system_error(errno, std::generic_category(), "poll");
      }
      if (fds[0].revents & POLLIN) {
        signalfd_siginfo info;
        if (::read(signals.get(), &info, sizeof info) == sizeof info) {
          if (info.ssi_signo == SIGHUP) {
            reload();
            arm(stats_timer, config.stats_interval_ms);
          } else {
            spdlog::info("signal {}: draining and exiting", strsignal(info.ssi_signo));
            running = false;
          }
        }
      }
      if (fds[1].revents & POLLIN) {
        uint64_t count;
        [[maybe_unused]] ssize_t n = ::read(nexthop_changed.get(), &count, sizeof count);
        publish_table();
      }
      if (fds[2].revents & POLLIN) {
        uint64_t expirations;
        [[maybe_unused]] ssize_t n = ::read(stats_timer.get(), &expirations, sizeof expirations);
        drain_learn_events();
        write_stats();
      }
    }

    if (card_mode())
      card_datapath->stop();
    else
      datapath->stop();
    resolver->stop();
    drain_learn_events();
    write_stats();
    spdlog::info("final counters: {}", stats().dump());
    return 0;
  }

  ~Impl() {
    datapath.reset();
    card_datapath.reset();
    card.reset();
    resolver.reset();
    owned_ports.clear();  // closes ports: detaches XDP programs
    eal_cleanup();
  }
};

Daemon::Daemon(Config config, std::string config_path, ConfigOverrides overrides)
    : impl_(std::make_unique<Impl>()) {
  impl_->config = std::move(config);
  impl_->config_path = std::move(config_path);
  impl_->overrides = std::move(overrides);
}

Daemon::~Daemon() = default;

int Daemon::run() {
  return impl_->run();
}

}  // namespace vxsn
