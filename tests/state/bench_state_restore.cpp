// Restore figures for a state file of N entries (default 1M: 4096 VNIs x 256 learned VTEPs,
// every address distinct unless a pool of addresses is given): encode, atomic write, one read +
// decode, bulk restore into the table manager, first compile; the warm table a restart forwards
// with first (built from the sources, compiled, then the manager's first batch over it); and, for
// comparison, the same entries put in one call at a time (what a restore through
// register_vtep/learn would cost). Printed, never asserted.
#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "host/daemon/malloc_huge_pages.hpp"
#include "host/log/elapsed_ms.hpp"
#include "host/state/state_file.hpp"
#include "host/state/state_file_io.hpp"
#include "host/state/state_loader.hpp"
#include "host/state/warm_table.hpp"
#include "host/table/incremental_compiler.hpp"

using namespace vxsn;
using Clock = std::chrono::steady_clock;

namespace {

// This thread's CPU time: on a shared, loaded machine the wall clock says more about the
// neighbours than about the code.
double cpu_ms() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

// Wall and CPU milliseconds of one step.
struct Step {
  Clock::time_point wall = Clock::now();
  double cpu = cpu_ms();
  std::pair<double, double> done() const { return {ms_since(wall), cpu_ms() - cpu}; }
};

void print(const char* what, std::pair<double, double> ms, const std::string& extra = "") {
  std::printf("  %-28s %8.1f ms wall %8.1f ms CPU %s\n", what, ms.first, ms.second, extra.c_str());
}

Config big_config(uint32_t vnis) {
  Config c;
  c.table.max_entries = 1u << 24;
  c.table.max_vnis = 1u << 20;
  c.table.registration_rate = 1000000;
  c.table.registration_burst = 1000000;
  for (uint32_t v = 1; v <= vnis; ++v) c.vnis.push_back(StaticVni{v, {}});
  return c;
}

IpAddr address(uint32_t i) {
  IpAddr a = *IpAddr::parse("10.0.0.0");
  a.bytes[1] = static_cast<uint8_t>(i >> 16);
  a.bytes[2] = static_cast<uint8_t>(i >> 8);
  a.bytes[3] = static_cast<uint8_t>(i);
  return a;
}

}  // namespace

int main(int argc, char** argv) {
  exec_with_malloc_huge_pages(argv);  // the heap vxsnd runs on
  const uint32_t n = argc > 1 ? static_cast<uint32_t>(std::atoi(argv[1])) : 1u << 20;
  // Distinct VTEP addresses (default: every entry its own, the worst case for the maps);
  // a fabric of 4096 VTEPs each in 256 VNIs is `1048576 4096`.
  const uint32_t pool = argc > 2 ? static_cast<uint32_t>(std::atoi(argv[2])) : n;
  const uint32_t per_vni = 256, vnis = (n + per_vni - 1) / per_vni;
  const std::string path = "/tmp/vxsn-bench-state-" + std::to_string(::getpid()) + ".bin";
  const Config config = big_config(vnis);

  StateContents state;
  const auto now = Clock::now();
  state.sources.reserve(n);
  for (uint32_t i = 0; i < n; ++i)
    state.sources.push_back({1 + i / per_vni, address((i / per_vni * 7 + i % per_vni) % pool),
                             EntrySource::kLearned, 0, now + std::chrono::seconds(300)});

  Step t;
  const std::string bytes = encode_state(state, ClockReading::now());
  const auto encode_ms = t.done();
  t = Step{};
  const auto error = write_file_atomically(path, bytes);
  const auto write_ms = t.done();
  if (error) {
    std::fprintf(stderr, "%s\n", error->c_str());
    return 1;
  }
  t = Step{};
  LoadedState loaded = load_state_file(path);
  const auto load_ms = t.done();
  std::filesystem::remove(path);
  if (!loaded.error.empty()) {
    std::fprintf(stderr, "%s\n", loaded.error.c_str());
    return 1;
  }

  // What a restart publishes first, before the restore below.
  t = Step{};
  WarmTable warm = warm_table_of(config, loaded.state.sources, Clock::now());
  const auto warm_build_ms = t.done();
  const size_t warm_members = warm.members;
  auto resolve_all = [](MemberSpec& m) {
    m.resolved = true;
    m.egress_port = 0;
  };
  t = Step{};
  IncrementalCompiler warm_compiler(resolve_all, {});
  warm_compiler.set_layout(ReplicationParams{}, {EgressPort{}});
  warm_compiler.apply(std::move(warm.vnis));
  // As the daemon does before its datapath polls: on every core.
  const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  const bool warm_built = warm_compiler.build(1, threads) != nullptr;
  const auto warm_compile_ms = t.done();

  TableManager table(config);
  t = Step{};
  const RestoreCounts counts = table.restore(loaded.state.sources);
  const auto restore_ms = t.done();

  t = Step{};
  IncrementalCompiler compiler(resolve_all, {});
  compiler.set_layout(ReplicationParams{}, {EgressPort{}});
  compiler.apply(table.take_changes());
  auto flood = compiler.build(1);
  const auto compile_ms = t.done();

  // The manager's view over the warm table: only VNIs that differ compile again.
  t = Step{};
  warm_compiler.apply(table.snapshot());
  const bool after_warm_built = warm_compiler.build(2) != nullptr;
  const auto after_warm_ms = t.done();

  t = Step{};
  const std::vector<SavedSource> saved = table.saved_sources();
  const auto collect_ms = t.done();

  // One call per entry, as a restore through the table's ordinary entry points would be.
  TableManager one_by_one(config);
  t = Step{};
  for (const SavedSource& s : loaded.state.sources) one_by_one.learn(s.vni, s.vtep);
  const auto per_entry_ms = t.done();

  std::printf("state file restore, %u entries (%u VNIs x %u, %u VTEP addresses), %zu bytes\n", n,
              vnis, per_vni, pool, bytes.size());
  print("encode", encode_ms);
  print("write (tmp, fsync, rename)", write_ms);
  print("read + decode", load_ms,
        "(read " + std::to_string(loaded.read_ms) + ", decode " + std::to_string(loaded.decode_ms) +
            " ms wall)");
  print("bulk restore into the table", restore_ms, std::to_string(counts.restored) + " restored");
  print("first compile", compile_ms, std::to_string(compiler.stats().members) + " members");
  print("warm table: build", warm_build_ms, std::to_string(warm_members) + " members");
  print("warm table: compile", warm_compile_ms,
        std::to_string(threads) + " threads (CPU: this thread's)" +
            (warm_built ? "" : " (not built)"));
  print("warm table: manager's view", after_warm_ms,
        std::to_string(warm_compiler.stats().recompiled_vnis) + " VNIs compiled again" +
            (after_warm_built ? "" : " (not built)"));
  print("collect for a save (lock)", collect_ms, std::to_string(saved.size()) + " sources");
  print("learn() one at a time", per_entry_ms,
        "(for comparison) " + std::to_string(one_by_one.entry_count()) + " entries");
  return flood ? 0 : 1;
}
