// Parse + replicate into real mbufs, as the software datapath does: ingress frames in mbufs
// of their own pool, copies built by the datapath's MbufSink (host/daemon/mbuf_sink.hpp) and
// tx-bursted into a net_ring port whose other end is drained and freed, so the mbufs
// recycle through the pools as in production. Who drains (arg `inline`):
//   0  a second lcore, as a NIC would: a slower drain fills the ring and copies are dropped
//      (tx_full), as in production;
//   1  the replicating lcore itself after each frame (a NIC's TX completion frees on the
//      sending lcore too): no drops, the per-copy cost including the free.
// Two ways to build a copy (arg `byref`), compared in the same run:
//   0  copy          one mbuf per copy from the port's pool, whole frame written;
//   1  by reference  a header mbuf chained to an indirect mbuf on the ingress payload.
// Two matrices (the full product of every argument would be ~1000 cases):
//  BM_MbufReplicate          IPv4 outer, 1 VNI: fan-out 2/8/32/128 x inner 64..9000 bytes,
//                            both drains, both ways (the original matrix, unchanged).
//  BM_MbufReplicateOuterVnis adds `ipv6` (outer family of frames, service address and
//                            members) and `vnis` (active VNIs in the table):
//    - 1 VNI, IPv4 and IPv6: fan-out 2/8/32/128 x inner 64/1400/9000, both drains, both
//      ways (IPv4 again, measured the same way as IPv6, see below);
//    - 1k and 64k VNIs at fan-out 8 x inner 64/1400, IPv4 and IPv6, both drains, both ways;
//      and 1k VNIs at fan-out 128 x inner 64, inline drain: per-copy cost against table size
//      (the 1-VNI rows of the first item are their baseline).
//      Fan-out 128 is not run with 64k VNIs (8.4M compiled members of 96 bytes: ~0.8 GB
//      and seconds of table build per case): 1k VNIs x 128 members (12.7 MB) already
//      outgrow the caches, as 64k VNIs x 8 members (57 MB) do.
//    Every VNI has the case's fan-out, its own compiled member array and its own counters,
//    as the daemon compiles them (the member addresses repeat from VNI to VNI). The frames of a
//    burst take their VNIs from a fixed pseudo-random order of all active VNIs, precomputed; each
//    frame's 3 VNI bytes are rewritten in place before it is parsed (inside the timed loop, at 1
//    VNI too, so the rows compare), so lookups, members and counters miss the caches as with many
//    tenants in production.
// Google Benchmark counters copies_per_s and ns_per_copy count copies the port took
// (TX-ring-full drops excluded and reported as tx_full); a CSV line per case follows the
// table (outer, vnis and vni_cycled columns last; vni_cycled: the rows of
// BM_MbufReplicateOuterVnis).
// Run: build/tests/bench/bench_mbuf_replication [--benchmark_filter=...]
#include <benchmark/benchmark.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <numeric>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "driver/dpdk/eal.hpp"
#include "driver/dpdk/mbuf_pool.hpp"
#include "driver/dpdk/port.hpp"
#include "host/daemon/mbuf_sink.hpp"
#include "host/datapath/replicator.hpp"
#include "tests/bench/bench_frames.hpp"
#include "tests/bench/bench_mbufs.hpp"

namespace vxsn {
namespace {

constexpr uint16_t kIngressBurst = kPollBurst;  // frames replicated per iteration

// The port and pools every case shares, and the lcore that drains the port.
struct Rig {
  std::unique_ptr<DpdkPort> port;
  rte_mempool* ingress_pool = nullptr;
  rte_mempool* header_pool = nullptr;
  bool sends_chains = false;
  std::atomic<bool> stop{false};
  std::thread drain_thread;  // when the EAL has no worker lcore
  unsigned drain_lcore = RTE_MAX_LCORE;
};
Rig* g_rig = nullptr;

// Frees what the port sent; the ring's single consumer (one drainer at a time).
void drain_once() {
  bench::drain_port(*g_rig->port);
}

int drain_loop(void*) {
  while (!g_rig->stop.load(std::memory_order_relaxed)) drain_once();
  drain_once();
  return 0;
}

void start_drainer() {
  g_rig->stop = false;
  if (g_rig->drain_lcore < RTE_MAX_LCORE) {
    rte_eal_remote_launch(drain_loop, nullptr, g_rig->drain_lcore);
  } else {
    g_rig->drain_thread = std::thread([] { drain_loop(nullptr); });
  }
}

void stop_drainer() {
  g_rig->stop = true;
  if (g_rig->drain_lcore < RTE_MAX_LCORE) {
    rte_eal_wait_lcore(g_rig->drain_lcore);
  } else {
    g_rig->drain_thread.join();
  }
}

struct CaseResult {
  int64_t iterations = 0;
  double copies_per_s = 0, ns_per_copy = 0;
  uint64_t tx_full = 0, no_buffer = 0;
};
// (inline drain, by reference, fan-out, inner, IPv6 outer, VNIs, VNI rewritten per frame) ->
// one result per repetition
std::map<std::tuple<int, int, int, int, int, int, int>, std::vector<CaseResult>> g_results;

// One case's arguments.
struct Case {
  bool inline_drain = false;
  int mode = 0;  // 1: by reference
  unsigned fan_out = 0;
  size_t inner_len = 0;
  bench::Family family = bench::Family::kV4;
  uint32_t vnis = 1;
  bool rewrite_vni = false;  // cycle the frames through the VNIs (BM_MbufReplicateOuterVnis)
};

// The table and its per-VNI counters of the last case: Google Benchmark runs a case more than
// once (sizing, repetitions), and 64k VNIs take a while to compile.
struct TableCache {
  unsigned fan_out = 0;
  bench::Family family = bench::Family::kNone;
  uint32_t vnis = 0;
  std::unique_ptr<VniCounters[]> counters;
  std::shared_ptr<const FloodTable> table;
};
TableCache g_table;

const FloodTable& table_for(const Case& c, const DpdkPort& port) {
  if (g_table.table == nullptr || g_table.fan_out != c.fan_out || g_table.family != c.family ||
      g_table.vnis != c.vnis) {
    g_table.table.reset();
    g_table.counters = std::make_unique<VniCounters[]>(c.vnis);
    g_table.table = bench::fan_out_table(c.fan_out, port.mac(), port.max_frame_len(),
                                         g_table.counters.get(), c.family, c.vnis);
    g_table.fan_out = c.fan_out;
    g_table.family = c.family;
    g_table.vnis = c.vnis;
  }
  return *g_table.table;
}

rte_mbuf* frame_mbuf(const std::vector<uint8_t>& frame) {
  rte_mbuf* m = rte_pktmbuf_alloc(g_rig->ingress_pool);
  if (m == nullptr) return nullptr;
  char* data = rte_pktmbuf_append(m, static_cast<uint16_t>(frame.size()));
  if (data == nullptr) {
    rte_pktmbuf_free(m);
    return nullptr;
  }
  std::memcpy(data, frame.data(), frame.size());
  return m;
}

void run_case(benchmark::State& state, const Case& c) {
  const bool inline_drain = c.inline_drain;
  const int mode = c.mode;
  const unsigned fan_out = c.fan_out;
  const size_t inner_len = c.inner_len;
  DpdkPort& port = *g_rig->port;
  const std::vector<uint8_t> frame = bench::vxlan_frame(c.family, inner_len);
  // A copy is as long as the ingress frame (same family in and out, no tag).
  const uint32_t room = rte_pktmbuf_data_room_size(port.pool()) - RTE_PKTMBUF_HEADROOM;
  if (frame.size() > port.max_frame_len() || frame.size() > room) {
    state.SkipWithError(("skipped: a " + std::to_string(frame.size()) +
                         "-byte copy exceeds the port's frame limit / pool data room")
                            .c_str());
    return;
  }
  if (mode == 1 && !g_rig->sends_chains) {
    state.SkipWithError("skipped: the port does not advertise RTE_ETH_TX_OFFLOAD_MULTI_SEGS");
    return;
  }

  const FloodTable& table = table_for(c, port);
  const ParseConfig cfg = bench::service_config(c.family);
  const std::vector<uint32_t> order = bench::vni_order(c.vnis);
  const size_t vni_at = bench::vni_offset(c.family);
  size_t next_vni = 0;
  std::vector<rte_mbuf*> ingress;
  for (uint16_t i = 0; i < kIngressBurst; ++i) {
    ingress.push_back(frame_mbuf(frame));
    if (ingress.back() == nullptr) {
      state.SkipWithError("ingress pool exhausted");
      return;
    }
  }
  const std::vector<DpdkPort*> ports = {&port};
  DatapathCounters counters;
  uint64_t copies = 0;
  if (!inline_drain) start_drainer();
  const auto start = std::chrono::steady_clock::now();
  {
    MbufSink sink(ports, counters, 0, mode == 1 ? g_rig->header_pool : nullptr,
                  mode == 1 ? 0 : kNeverByReference);
    // The burst is parsed and looked up ahead, then replicated, as the datapath does.
    BurstLookahead<kIngressBurst> lookahead;
    std::array<std::span<const uint8_t>, kIngressBurst> spans;
    for (auto _ : state) {
      for (size_t i = 0; i < ingress.size(); ++i) {
        rte_mbuf* m = ingress[i];
        if (c.rewrite_vni) {
          // Copies in flight by reference share these bytes; the drain only frees them.
          bench::rewrite_vni(m, vni_at, order[next_vni]);
          next_vni = next_vni + 1 == order.size() ? 0 : next_vni + 1;
        }
        spans[i] = {rte_pktmbuf_mtod(m, const uint8_t*), rte_pktmbuf_data_len(m)};
      }
      lookahead.prepare(spans.data(), ingress.size(), cfg, table);
      for (size_t i = 0; i < ingress.size(); ++i) {
        sink.set_ingress(ingress[i]);
        copies += lookahead.process(i, table, counters, sink);
        if (inline_drain) {
          sink.flush_all();
          drain_once();
        }
      }
      sink.flush_all();
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!inline_drain) stop_drainer();
  // Copies still referring to an ingress mbuf keep it alive: this only drops our reference.
  rte_pktmbuf_free_bulk(ingress.data(), static_cast<unsigned>(ingress.size()));

  const DatapathCountersSnapshot s = counters.snapshot();
  CaseResult r;
  r.iterations = state.iterations();
  r.tx_full = s.drop(DropReason::kTxFull);
  r.no_buffer = s.drop(DropReason::kNoBuffer);
  const uint64_t sent = copies - r.tx_full;
  r.copies_per_s = double(sent) / seconds;
  r.ns_per_copy = sent ? seconds * 1e9 / double(sent) : 0;
  g_results[{inline_drain, mode, int(fan_out), int(inner_len), c.family == bench::Family::kV6,
             int(c.vnis), c.rewrite_vni}]
      .push_back(r);

  state.SetItemsProcessed(static_cast<int64_t>(sent));
  state.counters["copies_per_s"] = benchmark::Counter(double(sent), benchmark::Counter::kIsRate);
  state.counters["ns_per_copy"] =
      benchmark::Counter(double(sent), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["tx_full"] = double(r.tx_full);
  state.counters["no_buffer"] = double(r.no_buffer);
}

void BM_MbufReplicate(benchmark::State& state) {
  run_case(state, Case{state.range(0) != 0, int(state.range(1)), unsigned(state.range(2)),
                       size_t(state.range(3))});
}

void BM_MbufReplicateOuterVnis(benchmark::State& state) {
  run_case(state, Case{state.range(0) != 0, int(state.range(1)), unsigned(state.range(2)),
                       size_t(state.range(3)),
                       state.range(4) != 0 ? bench::Family::kV6 : bench::Family::kV4,
                       uint32_t(state.range(5)), true});
}

BENCHMARK(BM_MbufReplicate)
    ->ArgNames({"inline", "byref", "fanout", "inner"})
    ->ArgsProduct({{1, 0}, {0, 1}, {2, 8, 32, 128}, {64, 512, 1400, 2048, 4096, 9000}})
    ->MinTime(0.2)
    ->UseRealTime();

// The matrix is explained in the header comment.
BENCHMARK(BM_MbufReplicateOuterVnis)
    ->ArgNames({"inline", "byref", "fanout", "inner", "ipv6", "vnis"})
    ->ArgsProduct({{1, 0}, {0, 1}, {2, 8, 32, 128}, {64, 1400, 9000}, {0, 1}, {1}})
    ->ArgsProduct({{1, 0}, {0, 1}, {8}, {64, 1400}, {0, 1}, {1024, 65536}})
    ->ArgsProduct({{1}, {0, 1}, {128}, {64}, {0, 1}, {1024}})
    ->MinTime(0.2)
    ->UseRealTime();

void set_up_rig() {
  eal_init(default_eal_args());
  g_rig = new Rig;
  // A net_ring vdev without arguments transmits into the ring it receives from.
  PortConfig config;
  config.devargs = "net_ring0";
  config.max_frame_len = wire::kMaxFrameLen;
  g_rig->port = DpdkPort::open(config);
  g_rig->ingress_pool = create_mbuf_pool("bench_ingress", 1023,
                                         RTE_PKTMBUF_HEADROOM + wire::kMaxFrameLen, SOCKET_ID_ANY);
  g_rig->header_pool = header_pool();
  if (g_rig->ingress_pool == nullptr || g_rig->header_pool == nullptr)
    throw std::runtime_error("cannot create the benchmark's mbuf pools");
  rte_eth_dev_info info{};
  rte_eth_dev_info_get(g_rig->port->id(), &info);
  g_rig->sends_chains = (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS) != 0;
  g_rig->drain_lcore = rte_get_next_lcore(rte_lcore_id(), 1, 0);
  std::printf("port %s: max frame %u, pool data room %u, tx chains (MULTI_SEGS) %s, drain on %s\n",
              g_rig->port->name().c_str(), g_rig->port->max_frame_len(),
              rte_pktmbuf_data_room_size(g_rig->port->pool()), g_rig->sends_chains ? "yes" : "no",
              g_rig->drain_lcore < RTE_MAX_LCORE
                  ? ("lcore " + std::to_string(g_rig->drain_lcore)).c_str()
                  : "a non-EAL thread");
}

void print_csv() {
  std::printf(
      "\ncsv,drain,mode,fanout,inner,copies_per_s,ns_per_copy,tx_full,no_buffer,outer,vnis,vni_"
      "cycled\n");
  for (auto& [key, runs] : g_results) {
    const auto [inline_drain, mode, fan_out, inner, ipv6, vnis, cycled] = key;
    // Google Benchmark first runs a case with fewer iterations to size it: the timed runs
    // are those with the most iterations; the median of them (--benchmark_repetitions=N).
    int64_t most = 0;
    for (const CaseResult& run : runs) most = std::max(most, run.iterations);
    std::erase_if(runs, [most](const CaseResult& run) { return run.iterations != most; });
    std::sort(runs.begin(), runs.end(), [](const CaseResult& a, const CaseResult& b) {
      return a.copies_per_s < b.copies_per_s;
    });
    const CaseResult& r = runs[runs.size() / 2];
    std::printf("csv,%s,%s,%d,%d,%.0f,%.1f,%llu,%llu,%s,%d,%s\n", inline_drain ? "inline" : "lcore",
                mode == 1 ? "reference" : "copy", fan_out, inner, r.copies_per_s, r.ns_per_copy,
                (unsigned long long)r.tx_full, (unsigned long long)r.no_buffer,
                ipv6 ? "ipv6" : "ipv4", vnis, cycled ? "yes" : "no");
  }
}

}  // namespace
}  // namespace vxsn

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  vxsn::set_up_rig();
  benchmark::RunSpecifiedBenchmarks();
  vxsn::print_csv();
  benchmark::Shutdown();
  return 0;
}
