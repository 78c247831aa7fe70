// Ctrl-C or SIGTERM during a benchmark that builds testbeds and starts daemons: the run
// stops at the next check (throw_if_interrupted) and unwinds, so everything it made is
// removed by the destructors instead of being left behind.
#pragma once

#include <csignal>
#include <stdexcept>

namespace vxsn::test {

inline volatile std::sig_atomic_t g_bench_interrupted = 0;

inline void catch_bench_interrupts() {
  auto on_signal = [](int) { g_bench_interrupted = 1; };
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
}

inline void throw_if_interrupted() {
  if (g_bench_interrupted) throw std::runtime_error("interrupted");
}

}  // namespace vxsn::test
