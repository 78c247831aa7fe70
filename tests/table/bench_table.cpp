// Scale figures for the table manager: 1M (VNI, VTEP) entries over 64k VNIs. Load, age,
// full and incremental compile, learn refresh. Figures are reported, never asserted.
//   build-tm/tests/table/bench_table --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include "host/table/incremental_compiler.hpp"
#include "tests/table/table_test_support.hpp"

namespace vxsn {
namespace {

constexpr uint32_t kVnis = 65536;
constexpr uint32_t kPerVni = 16;  // 1,048,576 entries

IpAddr vtep(uint32_t n) {
  const uint8_t b[4] = {10, static_cast<uint8_t>(n >> 16), static_cast<uint8_t>(n >> 8),
                        static_cast<uint8_t>(n)};
  return IpAddr::v4(b);
}

Config big_config() {
  Config c = test::table_config();
  c.table.max_vnis = kVnis;
  c.table.max_members_per_vni = 4096;
  c.table.max_entries = 2 * kVnis * kPerVni;  // room for the incremental batches
  c.table.registration_burst = 1000000;
  return c;
}

// 4096 VTEPs, each in 256 VNIs: VTEP i of VNI v is (v * 16 + i) % 4096.
void load(TableManager& tm, uint32_t holdtime) {
  for (uint32_t v = 1; v <= kVnis; ++v)
    for (uint32_t i = 0; i < kPerVni; ++i) {
      const IpAddr a = vtep((v * kPerVni + i) % 4096);
      tm.register_vtep(v, a, 0, holdtime, a);
    }
}

IncrementalCompiler make_compiler() {
  IncrementalCompiler c(
      [](MemberSpec& m) {
        m.resolved = true;
        m.next_hop_mac = MacAddr{{2, 0, 0, 0, 0, 9}};
      },
      nullptr);
  c.set_layout(ReplicationParams{}, {EgressPort{MacAddr{{2, 0, 0, 0, 0, 1}}, 9216}});
  return c;
}

void BM_Load1M(benchmark::State& state) {
  for (auto _ : state) {
    test::ManualClock clock;
    auto tm = std::make_unique<TableManager>(big_config(), clock.fn());
    load(*tm, 90);
    benchmark::DoNotOptimize(tm->entry_count());
    state.counters["entries"] = static_cast<double>(tm->entry_count());
    state.PauseTiming();
    tm.reset();  // destruction outside the timing
    state.ResumeTiming();
  }
  state.counters["entries_per_s"] = benchmark::Counter(
      static_cast<double>(kVnis) * kPerVni * state.iterations(), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Load1M)->Unit(benchmark::kMillisecond)->Iterations(1);

void BM_Age1MAllAtOnce(benchmark::State& state) {
  for (auto _ : state) {
    state.PauseTiming();
    test::ManualClock clock;
    auto tm = std::make_unique<TableManager>(big_config(), clock.fn());
    load(*tm, 90);
    tm->take_changes();
    clock.advance(std::chrono::seconds(90));
    state.ResumeTiming();
    tm->advance();
    state.counters["left"] = static_cast<double>(tm->entry_count());
    state.PauseTiming();
    tm.reset();
    state.ResumeTiming();
  }
}
BENCHMARK(BM_Age1MAllAtOnce)->Unit(benchmark::kMillisecond)->Iterations(1);

// One ageing tick with 1M live entries and nothing due: must not scan the table.
void BM_AgeingTickNothingDue(benchmark::State& state) {
  test::ManualClock clock;
  TableManager tm(big_config(), clock.fn());
  load(tm, 65534);
  for (auto _ : state) {
    clock.advance(std::chrono::seconds(1));
    tm.advance();
  }
  state.counters["entries"] = static_cast<double>(tm.entry_count());
}
BENCHMARK(BM_AgeingTickNothingDue)->Unit(benchmark::kMicrosecond)->Iterations(1000);

struct Loaded {
  test::ManualClock clock;
  std::unique_ptr<TableManager> tm;
  IncrementalCompiler compiler = make_compiler();
  Loaded() {
    tm = std::make_unique<TableManager>(big_config(), clock.fn());
    load(*tm, kHoldtimeForever);
    compiler.apply(tm->take_changes());
  }
};

void BM_FullCompile1M(benchmark::State& state) {
  Loaded l;
  uint64_t version = 0;
  for (auto _ : state) {
    l.compiler.invalidate_all();
    auto table = l.compiler.build(++version);
    benchmark::DoNotOptimize(table.get());
    state.PauseTiming();
    table.reset();
    state.ResumeTiming();
  }
  state.counters["members"] = static_cast<double>(l.compiler.stats().members);
}
BENCHMARK(BM_FullCompile1M)->Unit(benchmark::kMillisecond)->Iterations(3);

// A batch of `n` changed VNIs (one registration each) in a 1M-entry table: take_changes,
// recompile those VNIs, rebuild the index.
void BM_IncrementalCompile(benchmark::State& state) {
  Loaded l;
  auto table = l.compiler.build(0);
  const uint32_t n = static_cast<uint32_t>(state.range(0));
  uint64_t version = 0;
  uint32_t next = 0;
  for (auto _ : state) {
    for (uint32_t k = 0; k < n; ++k) {
      const uint32_t vni = 1 + (next++ % kVnis);
      const IpAddr a = vtep(100000 + next % 1000);
      l.tm->register_vtep(vni, a, 0, 90, a);
    }
    l.compiler.apply(l.tm->take_changes());
    auto fresh = l.compiler.build(++version);
    benchmark::DoNotOptimize(fresh.get());
    state.PauseTiming();
    table = std::move(fresh);  // the old snapshot goes outside the timing, as after RCU
    state.ResumeTiming();
  }
  state.counters["recompiled_vnis"] = static_cast<double>(l.compiler.stats().recompiled_vnis);
}
BENCHMARK(BM_IncrementalCompile)->Arg(1)->Arg(100)->Arg(10000)->Unit(benchmark::kMillisecond);

void BM_LearnRefresh(benchmark::State& state) {
  test::ManualClock clock;
  TableManager tm(big_config(), clock.fn());
  for (uint32_t v = 1; v <= 1024; ++v) tm.learn(v, vtep(v));
  uint32_t v = 0;
  for (auto _ : state) {
    v = v % 1024 + 1;
    benchmark::DoNotOptimize(tm.learn(v, vtep(v)));
  }
}
BENCHMARK(BM_LearnRefresh);

}  // namespace
}  // namespace vxsn

BENCHMARK_MAIN();
