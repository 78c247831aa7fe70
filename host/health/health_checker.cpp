#include "host/health/health_checker.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <fstream>
#include <optional>
#include <sstream>

#include "host/health/process_liveness.hpp"
#include "host/health/shell_command.hpp"

namespace vxsn {

namespace {

std::optional<std::string> read_whole_file(const std::string& path) {
  // vxsnd replaces the file by rename, so an open sees either the old or the new sample.
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// "stale (412 ms old)" -> "stale": a growing age is not news worth a log line.
std::string reason_kind(const std::string& reason) {
  return reason.substr(0, reason.find(' '));
}

}  // namespace

int64_t unix_ms_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

HealthChecker::HealthChecker(HealthCheckerOptions options, CommandRunner runner, UnixMsClock clock,
                             PidAliveProbe pid_alive)
    : options_(std::move(options)),
      runner_(runner ? std::move(runner)
                     : CommandRunner([](const std::string& c) { return run_shell_command(c); })),
      clock_(clock ? std::move(clock) : UnixMsClock(unix_ms_now)),
      pid_alive_(pid_alive ? std::move(pid_alive) : PidAliveProbe(process_alive)),
      hysteresis_(options_.rise) {}

HealthFileVerdict HealthChecker::poll() {
  HealthFileVerdict verdict =
      judge_health_sample(read_whole_file(options_.file), clock_(), options_.limits, pid_alive_);
  HealthAction action = hysteresis_.observe(verdict.good);
  if (action != HealthAction::none) {
    run(action, verdict.reason);
  } else if (!verdict.good && reason_kind(verdict.reason) != reason_kind(last_reason_)) {
    spdlog::info("still down: {}", verdict.reason);
  }
  last_reason_ = verdict.reason;
  return verdict;
}

void HealthChecker::shutdown() {
  run(hysteresis_.force_down(), "checker stopping");
}

void HealthChecker::run(HealthAction action, const std::string& reason) {
  bool up = action == HealthAction::run_up;
  const std::string& command = up ? options_.up_command : options_.down_command;
  if (up)
    spdlog::info("UP after {} good samples: announcing", options_.rise);
  else
    spdlog::warn("DOWN: {}: withdrawing", reason);
  if (command.empty()) return;
  int rc = runner_(command);
  if (rc != 0) spdlog::error("{} command exited {}: {}", up ? "up" : "down", rc, command);
}

}  // namespace vxsn
