// vxsnd's life cycle: bring up the EAL, ports, next-hop resolver and datapath; serve
// signals (SIGTERM/SIGINT drain and exit, SIGHUP reloads the table); write counters.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "host/config/config.hpp"
#include "host/ha/ha_config.hpp"

namespace vxsn {

// Applies command-line overrides to a freshly (re)loaded config file.
using ConfigOverrides = std::function<void(Config&)>;

class Daemon {
 public:
  // `ha` is the file's [ha] section (disabled: this node replicates with nobody).
  Daemon(Config config, HaConfig ha, std::string config_path, ConfigOverrides overrides);
  ~Daemon();
  // Runs until SIGTERM or SIGINT. Returns the process exit code.
  int run();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Blocks the signals the daemon handles in the calling thread; call before any thread
// (EAL's included) starts, so they are delivered only through the daemon's signalfd.
void block_daemon_signals();

}  // namespace vxsn
