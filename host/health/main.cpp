// vxsn-health: announces the node's anycast route only while vxsnd says its datapath is
// healthy. See docs/anycast.md.
#include <signal.h>

#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>
#include <cerrno>
#include <ctime>

#include "host/health/health_checker.hpp"

int main(int argc, char** argv) {
  vxsn::HealthCheckerOptions options;
  int interval_ms = 50;
  CLI::App app{"vxsn-health: runs up/down commands from vxsnd's health file"};
  app.add_option("--file", options.file, "vxsnd's [node] health_file")->required();
  app.add_option("--stale-ms", options.limits.stale_ms,
                 "a sample older than this means vxsnd is hung or dead")
      ->default_val(300)
      ->check(CLI::PositiveNumber);
  app.add_option("--interval-ms", interval_ms, "poll interval")
      ->default_val(50)
      ->check(CLI::PositiveNumber);
  app.add_option("--rise", options.rise, "good samples in a row before announcing")
      ->default_val(3)
      ->check(CLI::PositiveNumber);
  app.add_option("--up-cmd", options.up_command, "shell command that announces the node")
      ->required();
  app.add_option("--down-cmd", options.down_command, "shell command that withdraws the node")
      ->required();
  CLI11_PARSE(app, argc, argv);

  // Signals are taken synchronously by sigtimedwait, which is also the poll timer: a
  // SIGTERM is acted on at once, never in the middle of running a command.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  spdlog::info("watching {} every {} ms (stale after {} ms, up after {} good samples)",
               options.file, interval_ms, options.limits.stale_ms, options.rise);
  vxsn::HealthChecker checker(options);
  const timespec interval{interval_ms / 1000, (interval_ms % 1000) * 1000000L};
  for (;;) {
    checker.poll();
    int signo = sigtimedwait(&stop, nullptr, &interval);
    if (signo > 0) {
      spdlog::info("signal {}: withdrawing and exiting", signo);
      checker.shutdown();
      return 0;
    }
  }
}
