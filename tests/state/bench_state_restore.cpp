// Restore figures for a state file of N entries (default 1M: 4096 VNIs x 256 learned VTEPs,
// every address distinct): encode, atomic write, one read + decode, bulk restore into the
// table manager, first compile; and, for comparison, the same entries put in one call at a
// time (what a restore through register_vtep/learn would cost). Printed, never asserted.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "host/log/elapsed_ms.hpp"
#include "host/state/state_file.hpp"
#include "host/state/state_file_io.hpp"
#include "host/state/state_loader.hpp"
#include "host/table/incremental_compiler.hpp"

using namespace vxsn;
using Clock = std::chrono::steady_clock;

namespace {

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
  const uint32_t n = argc > 1 ? static_cast<uint32_t>(std::atoi(argv[1])) : 1u << 20;
  const uint32_t per_vni = 256, vnis = (n + per_vni - 1) / per_vni;
  const std::string path = "/tmp/vxsn-bench-state-" + std::to_string(::getpid()) + ".bin";
  const Config config = big_config(vnis);

  StateContents state;
  const auto now = Clock::now();
  state.sources.reserve(n);
  for (uint32_t i = 0; i < n; ++i)
    state.sources.push_back(
        {1 + i / per_vni, address(i), EntrySource::kLearned, 0, now + std::chrono::seconds(300)});

  auto t = Clock::now();
  const std::string bytes = encode_state(state, ClockReading::now());
  const double encode_ms = ms_since(t);
  t = Clock::now();
  const auto error = write_file_atomically(path, bytes);
  const double write_ms = ms_since(t);
  if (error) {
    std::fprintf(stderr, "%s\n", error->c_str());
    return 1;
  }
  LoadedState loaded = load_state_file(path);
  std::filesystem::remove(path);
  if (!loaded.error.empty()) {
    std::fprintf(stderr, "%s\n", loaded.error.c_str());
    return 1;
  }

  TableManager table(config);
  t = Clock::now();
  const RestoreCounts counts = table.restore(loaded.state.sources);
  const double restore_ms = ms_since(t);

  t = Clock::now();
  IncrementalCompiler compiler(
      [](MemberSpec& m) {
        m.resolved = true;
        m.egress_port = 0;
      },
      {});
  compiler.set_layout(ReplicationParams{}, {EgressPort{}});
  compiler.apply(table.take_changes());
  auto flood = compiler.build(1);
  const double compile_ms = ms_since(t);

  t = Clock::now();
  const std::vector<SavedSource> saved = table.saved_sources();
  const double collect_ms = ms_since(t);

  // One call per entry, as a restore through the table's ordinary entry points would be.
  TableManager one_by_one(config);
  t = Clock::now();
  for (const SavedSource& s : loaded.state.sources) one_by_one.learn(s.vni, s.vtep);
  const double per_entry_ms = ms_since(t);

  std::printf("state file restore, %u entries (%u VNIs x %u), %zu bytes\n", n, vnis, per_vni,
              bytes.size());
  std::printf("  encode                      %8.1f ms\n", encode_ms);
  std::printf("  write (tmp, fsync, rename)  %8.1f ms\n", write_ms);
  std::printf("  read (one read)             %8.1f ms\n", loaded.read_ms);
  std::printf("  decode                      %8.1f ms\n", loaded.decode_ms);
  std::printf("  bulk restore into table     %8.1f ms (%zu restored)\n", restore_ms,
              counts.restored);
  std::printf("  first compile               %8.1f ms (%zu members)\n", compile_ms,
              compiler.stats().members);
  std::printf("  read + decode + restore     %8.1f ms\n",
              loaded.read_ms + loaded.decode_ms + restore_ms);
  std::printf("  collect for a save (lock)   %8.1f ms (%zu sources)\n", collect_ms, saved.size());
  std::printf("  for comparison: learn() one entry at a time %8.1f ms (%zu entries)\n",
              per_entry_ms, one_by_one.entry_count());
  return flood ? 0 : 1;
}
