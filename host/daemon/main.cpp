// vxsnd: the VXLAN service node daemon.
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>

#include "host/config/config.hpp"
#include "host/config/config_warnings.hpp"
#include "host/daemon/daemon.hpp"
#include "host/daemon/malloc_huge_pages.hpp"
#include "host/ha/ha_config.hpp"
#include "host/log/log_setup.hpp"

int main(int argc, char** argv) {
  vxsn::exec_with_malloc_huge_pages(argv);
  using namespace vxsn;
  CLI::App app{"vxsnd - VXLAN service node: replicates VTEPs' BUM frames to the other VTEPs"};
  app.set_version_flag("--version", "vxsnd " VXSN_VERSION);
  std::string config_path = "/etc/vxsn/vxsnd.toml";
  std::vector<std::string> service_addresses, ports, eal_args;
  std::optional<uint16_t> vxlan_port;
  std::optional<int> ttl;
  std::string source_ip, datapath, log_level, stats_file;

  app.add_option("-c,--config", config_path, "TOML configuration file")->capture_default_str();
  app.add_option("--service-address", service_addresses,
                 "Service address(es); replaces the file's");
  app.add_option("--port", ports, "EAL device string of a port; replaces the file's ports");
  app.add_option("--eal-arg", eal_args, "EAL argument; replaces the file's eal_args");
  app.add_option("--vxlan-port", vxlan_port, "UDP port of VXLAN");
  app.add_option("--ttl", ttl, "TTL / hop limit of copies")->check(CLI::Range(1, 255));
  app.add_option("--source-ip", source_ip, "Outer source IP of copies")
      ->check(CLI::IsMember({"original", "own"}));
  app.add_option("--datapath", datapath, "Datapath mode")
      ->check(CLI::IsMember({"software", "emu", "fpga"}));
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error, off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
  app.add_option("--stats-file", stats_file, "Write counters as JSON to this file");
  std::string check_path;
  auto* check = app.add_option("--check-config", check_path,
                               "Validate the configuration (this file, else --config's) and "
                               "exit: 0 valid, 2 not")
                    ->expected(0, 1);
  CLI11_PARSE(app, argc, argv);
  const bool check_only = check->count() > 0;
  if (!check_path.empty()) config_path = check_path;

  // Flags override the file, on start and again on every SIGHUP reload.
  auto overrides = [&](Config& c) {
    if (!service_addresses.empty()) {
      c.service_addresses.clear();
      for (const auto& text : service_addresses) {
        auto ip = IpAddr::parse(text);
        if (!ip) throw ConfigError("--service-address", 0, "", "not an address: " + text);
        c.service_addresses.push_back(*ip);
      }
    }
    if (!ports.empty()) {
      c.ports.clear();
      for (const auto& dev : ports) c.ports.push_back(PortSettings{dev});
    }
    if (!eal_args.empty()) c.eal_args = eal_args;
    if (vxlan_port) c.vxlan_port = *vxlan_port;
    if (ttl) c.ttl = static_cast<uint8_t>(*ttl);
    if (!source_ip.empty()) c.keep_source_ip = source_ip == "original";
    if (!datapath.empty()) c.datapath = datapath;
    if (!log_level.empty()) c.log_level = log_level;
    if (!stats_file.empty()) c.stats_file = stats_file;
  };

  Config config;
  HaConfig ha;
  try {
    config = load_config(config_path);
    overrides(config);
    validate_config(config, config_path);
    ha = load_ha_config(config_path);
  } catch (const ConfigError& e) {
    std::fprintf(stderr, "vxsnd: configuration error: %s\n", e.what());
    return 2;
  }
  const std::vector<std::string> warnings = config_warnings(config);
  if (check_only) {
    for (const std::string& w : warnings)
      std::fprintf(stderr, "%s: warning: %s\n", config_path.c_str(), w.c_str());
    std::printf(
        "%s: OK (%zu VNIs, %zu ports, %s)\n", config_path.c_str(), config.vnis.size(),
        config.ports.size(),
        ha.enabled ? ("HA with " + std::to_string(ha.peers.size()) + " peer(s)").c_str() : "no HA");
    return 0;
  }
#ifndef VXSN_HAVE_XRT
  if (config.datapath == "fpga") {
    std::fprintf(stderr,
                 "vxsnd: datapath mode 'fpga' needs the XRT card backend, and this vxsnd was "
                 "built without XRT (install libxrt-dev uuid-dev and rebuild)\n");
    return 2;
  }
#endif

  setup_logging(stderr_is_journal(), config.log_level);
  for (const std::string& w : warnings) spdlog::warn("config: {}", w);
  block_daemon_signals();
  try {
    Daemon daemon(std::move(config), std::move(ha), config_path, overrides);
    return daemon.run();
  } catch (const std::exception& e) {
    spdlog::critical("vxsnd: {}", e.what());
    return 1;
  }
}
