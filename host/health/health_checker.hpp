// The checker beside vxsnd: polls the health file, decides with HealthHysteresis and runs
// the operator's up/down commands (which announce or withdraw the anycast route).
// The time source, liveness probe and command runner are injectable for tests.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "host/health/health_hysteresis.hpp"
#include "host/health/health_verdict.hpp"

namespace vxsn {

struct HealthCheckerOptions {
  std::string file;
  HealthLimits limits;
  int rise = 3;
  std::string up_command;
  std::string down_command;
};

class HealthChecker {
 public:
  using CommandRunner = std::function<int(const std::string&)>;
  using UnixMsClock = std::function<int64_t()>;

  // Defaults: the real clock, process_alive() and run_shell_command().
  explicit HealthChecker(HealthCheckerOptions options, CommandRunner runner = {},
                         UnixMsClock clock = {}, PidAliveProbe pid_alive = {});

  // One sample: reads the file, judges it, runs up/down on a transition.
  HealthFileVerdict poll();
  // Withdraws (runs the down command) whatever the state: for SIGTERM.
  void shutdown();

  HealthState state() const { return hysteresis_.state(); }

 private:
  void run(HealthAction action, const std::string& reason);

  HealthCheckerOptions options_;
  CommandRunner runner_;
  UnixMsClock clock_;
  PidAliveProbe pid_alive_;
  HealthHysteresis hysteresis_;
  std::string last_reason_;
};

int64_t unix_ms_now();

}  // namespace vxsn
