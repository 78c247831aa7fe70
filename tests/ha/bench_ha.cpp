// Figures for HA replication between two nodes over loopback TCP with CURVE:
//   BM_Throughput     updates/s from publish_local on A to apply_remote on B, and gaps seen
//   BM_Convergence    per-update delay (publish_local -> apply_remote) at a paced rate
//   BM_Snapshot/N     time and size for a new node to fetch and apply an N-entry snapshot
// Run: build-ha/tests/ha/bench_ha  (not a ctest; nothing here is asserted).
#include <benchmark/benchmark.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <thread>

#include "tests/ha/ha_test_support.hpp"

namespace vxsn::hatest {
namespace {

using SteadyClock = std::chrono::steady_clock;

int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(SteadyClock::now().time_since_epoch())
      .count();
}

// Counts applied changes and, for the convergence run, records each one's delay from the
// publish time the bench put into the identifier.
class CountingSink : public ReplicaSink {
 public:
  void apply_remote(const HaChange& c) override {
    if (record_delays) delays_ns.push_back(steady_ns() - static_cast<int64_t>(c.value.identifier));
    applied.fetch_add(1, std::memory_order_relaxed);
  }
  std::atomic<uint64_t> applied{0};
  bool record_delays = false;
  std::vector<int64_t> delays_ns;  // replicator thread only until read after the run
};

struct Pair {
  Pair() : cluster(2) {
    HaConfig ca = cluster.config(0), cb = cluster.config(1);
    a = std::make_unique<Replicator>(ca, sa);
    b = std::make_unique<Replicator>(cb, sb);
    wait_until([&] { return all_peers_up(*a) && all_peers_up(*b); });
  }
  Cluster cluster;
  CountingSink sa, sb;
  std::unique_ptr<Replicator> a, b;
};

HaLocalChange change(uint32_t i, uint64_t identifier) {
  return {key(1 + i / 60000, i % 60000), value(2, identifier), false};
}

void BM_Throughput(benchmark::State& state) {
  const uint32_t n = static_cast<uint32_t>(state.range(0));
  Pair p;
  uint64_t total = 0;
  for (auto _ : state) {
    uint64_t before = p.sb.applied;
    auto t0 = SteadyClock::now();
    std::vector<HaLocalChange> batch;
    for (uint32_t i = 0; i < n; ++i) {
      batch.push_back(change(i, total + i + 1));
      if (batch.size() == 1000) {
        p.a->publish_local(batch);
        batch.clear();
      }
    }
    p.a->publish_local(batch);
    wait_until([&] { return p.sb.applied - before >= n; }, std::chrono::seconds(60));
    state.SetIterationTime(std::chrono::duration<double>(SteadyClock::now() - t0).count());
    total += n;
  }
  state.SetItemsProcessed(static_cast<int64_t>(total));
  auto st = p.b->stats();
  state.counters["gaps"] = static_cast<double>(st.gaps_detected);
  state.counters["resyncs"] = static_cast<double>(st.snapshots_fetched - 1);
}
BENCHMARK(BM_Throughput)
    ->Arg(200000)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);

void BM_Convergence(benchmark::State& state) {
  const auto rate = state.range(0);                // updates per second
  const uint32_t n = static_cast<uint32_t>(rate);  // one second of traffic
  Pair p;
  p.sb.record_delays = true;
  for (auto _ : state) {
    auto period = std::chrono::nanoseconds(1'000'000'000 / rate);
    auto next = SteadyClock::now();
    for (uint32_t i = 0; i < n; ++i) {
      p.a->publish_local(change(i, static_cast<uint64_t>(steady_ns())));
      next += period;
      std::this_thread::sleep_until(next);
    }
    wait_until([&] { return p.sb.applied >= n; }, std::chrono::seconds(30));
  }
  p.b.reset();  // stops the thread that fills delays_ns
  auto& d = p.sb.delays_ns;
  std::sort(d.begin(), d.end());
  auto pct = [&](double q) {
    return d.empty() ? 0.0 : d[static_cast<size_t>(q * (d.size() - 1))] / 1e6;
  };
  state.counters["median_ms"] = pct(0.5);
  state.counters["p99_ms"] = pct(0.99);
  state.counters["worst_ms"] = pct(1.0);
  state.counters["samples"] = static_cast<double>(d.size());
}
BENCHMARK(BM_Convergence)->Arg(1000)->Arg(20000)->Unit(benchmark::kMillisecond)->Iterations(1);

// n local changes on `r` (keys 0..n-1), returning once its table holds them all.
void fill_with_entries(Replicator& r, uint32_t n) {
  std::vector<HaLocalChange> batch;
  for (uint32_t i = 0; i < n; ++i) {
    batch.push_back(change(i, i));
    if (batch.size() == 10000) {
      r.publish_local(batch);
      batch.clear();
    }
  }
  r.publish_local(batch);
  wait_until([&] { return r.size() == n; }, std::chrono::seconds(120));
}

// Node 0 of a two-node cluster, holding n entries of its own; node 1 is for the benchmark.
struct FilledNode {
  explicit FilledNode(uint32_t n) : replicator(cluster.config(0), sink) {
    fill_with_entries(replicator, n);
  }
  Cluster cluster{2};
  CountingSink sink;
  Replicator replicator;
};

void BM_Snapshot(benchmark::State& state) {
  const uint32_t n = static_cast<uint32_t>(state.range(0));
  FilledNode node(n);
  HaStats st;
  for (auto _ : state) {
    CountingSink sb;
    auto t0 = SteadyClock::now();
    Replicator b(node.cluster.config(1), sb);
    wait_until([&] { return sb.applied >= n && all_peers_up(b); }, std::chrono::seconds(120));
    state.SetIterationTime(std::chrono::duration<double>(SteadyClock::now() - t0).count());
    st = b.stats();
  }
  state.counters["entries"] = static_cast<double>(st.last_snapshot_entries);
  state.counters["bytes"] = static_cast<double>(st.last_snapshot_bytes);
  state.counters["bytes_per_entry"] =
      st.last_snapshot_entries
          ? static_cast<double>(st.last_snapshot_bytes) / st.last_snapshot_entries
          : 0;
  state.counters["fetch_apply_ms"] = st.last_snapshot_total_ms;
  state.counters["apply_ms"] = st.last_snapshot_apply_ms;
}
BENCHMARK(BM_Snapshot)
    ->Arg(10000)
    ->Arg(100000)
    ->Arg(1000000)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

// What a node serving a snapshot does to its own control plane: while a peer starts and
// fetches an n-entry snapshot from node A, another thread on A makes one local change after
// another (publish_local_and_wait, as vxsnd's control loop does for every table change) and
// records how long each took. Prints the longest and the median.
void BM_LocalChangeWhileServingSnapshot(benchmark::State& state) {
  const uint32_t n = static_cast<uint32_t>(state.range(0));
  FilledNode node(n);
  Replicator& a = node.replicator;
  std::vector<double> ms;
  for (auto _ : state) {
    std::atomic<bool> done{false};
    std::thread changer([&] {
      for (uint32_t k = 0; !done; ++k) {
        auto t0 = SteadyClock::now();
        a.publish_local_and_wait({change(n + k % 1000, k)});
        ms.push_back(std::chrono::duration<double, std::milli>(SteadyClock::now() - t0).count());
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    });
    CountingSink sb;
    auto t0 = SteadyClock::now();
    Replicator b(node.cluster.config(1), sb);
    wait_until([&] { return sb.applied >= n && all_peers_up(b); }, std::chrono::seconds(120));
    state.SetIterationTime(std::chrono::duration<double>(SteadyClock::now() - t0).count());
    done = true;
    changer.join();
  }
  std::sort(ms.begin(), ms.end());
  state.counters["changes"] = static_cast<double>(ms.size());
  state.counters["change_max_ms"] = ms.empty() ? 0 : ms.back();
  state.counters["change_median_ms"] = ms.empty() ? 0 : ms[ms.size() / 2];
  state.counters["served"] = static_cast<double>(a.stats().snapshots_served);
}
BENCHMARK(BM_LocalChangeWhileServingSnapshot)
    ->Arg(100000)
    ->Arg(1000000)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

}  // namespace
}  // namespace vxsn::hatest

int main(int argc, char** argv) {
  spdlog::set_level(std::getenv("VXSN_HA_BENCH_LOG") ? spdlog::level::debug : spdlog::level::warn);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
}
