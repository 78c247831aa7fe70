// How long the datapath pauses while the control thread swaps a 1M-member flood table:
// one lane replicates real mbufs into a net_ring port (drained inline, copies built by
// vxsnd's MbufSink) from the table that FloodTablePublisher hands it, exactly as a
// software-datapath lane does, while the control thread compiles with the daemon's own
// IncrementalCompiler and publishes as the daemon does (RCU publish plus per-VNI counter
// reclaim: the lane never waits on the writer).
//
// Table: 131072 VNIs x 8 IPv4 members = 1 048 576 members, all resolved on port 0. Frames:
// 1024 ingress mbufs with VNIs drawn at random from the table (cache-cold lookups).
// Phases, each timed per RX-sized burst of 32 frames on the lane:
//   steady       nothing published (the baseline)
//   full swaps   the whole 1M-member table recompiled and published, back to back
//   one-VNI      one VNI's members changed and a new 1M-member snapshot published every 2 ms
// Prints per phase: bursts, copies/s, burst time p50 / p99 / p99.9 / max, and the longest
// time between two burst ends (what a downstream port would see as a gap). Nothing asserted.
// Run (root is not needed; EAL without hugepages unless some are reserved):
//   build/tests/bench/bench_table_swap_pause [seconds per phase, default 2]
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "driver/dpdk/eal.hpp"
#include "driver/dpdk/mbuf_pool.hpp"
#include "driver/dpdk/port.hpp"
#include "host/daemon/mbuf_sink.hpp"
#include "host/datapath/counter_reclaim.hpp"
#include "host/datapath/replicator.hpp"
#include "host/table/incremental_compiler.hpp"
#include "tests/bench/bench_frames.hpp"
#include "tests/bench/bench_mbufs.hpp"

namespace vxsn {
namespace {

using Clock = std::chrono::steady_clock;

constexpr uint32_t kVnis = 131072;
constexpr unsigned kMembersPerVni = 8;
constexpr unsigned kIngressFrames = 1024;
constexpr unsigned kBurst = 32;
constexpr uint32_t kFirstVni = 1000;

enum Phase : int { kSteady, kFullSwaps, kOneVni, kPhases };
const char* const kPhaseNames[kPhases] = {"steady (no publish)", "full 1M swaps",
                                          "one-VNI change / 2 ms"};

IpAddr member_address(uint32_t vni_index, unsigned m) {
  // 10.<vni_index bits>.<m>: every member address distinct, none the sender's 10.0.0.1.
  const uint32_t n = (vni_index * kMembersPerVni + m) + 256;
  return bench::v4(10, uint8_t(n >> 16), uint8_t(n >> 8), uint8_t(n));
}

VniChange vni_members(uint32_t vni_index, unsigned variant) {
  VniChange c{kFirstVni + vni_index, true, {}};
  for (unsigned m = 0; m < kMembersPerVni; ++m)
    c.members.push_back({member_address(vni_index + variant, m), false});
  std::sort(c.members.begin(), c.members.end());
  return c;
}

struct LaneSamples {
  std::vector<uint32_t> burst_ns[kPhases];
  uint64_t longest_gap_ns[kPhases] = {};
  uint64_t copies[kPhases] = {};
  double seconds[kPhases] = {};
};

struct Lane {
  DpdkPort* port = nullptr;
  FloodTablePublisher* tables = nullptr;
  std::vector<rte_mbuf*> ingress;
  std::atomic<int> phase{kSteady};
  std::atomic<bool> stop{false};
  LaneSamples samples;
};

int lane_loop(void* arg) {
  Lane& lane = *static_cast<Lane*>(arg);
  RcuReaderThread rcu;
  const std::vector<DpdkPort*> ports = {lane.port};
  DatapathCounters counters;
  MbufSink sink(ports, counters, 0);
  const ParseConfig cfg = bench::service_config();
  for (auto& v : lane.samples.burst_ns) v.reserve(8 << 20);
  size_t next = 0;
  int phase = lane.phase.load();
  Clock::time_point phase_start = Clock::now(), last_end = phase_start;
  auto close_phase = [&](Clock::time_point now) {
    lane.samples.seconds[phase] += std::chrono::duration<double>(now - phase_start).count();
  };
  while (!lane.stop.load(std::memory_order_relaxed)) {
    const int now_phase = lane.phase.load(std::memory_order_relaxed);
    const auto t0 = Clock::now();
    if (now_phase != phase) {
      close_phase(t0);
      phase = now_phase;
      phase_start = last_end = t0;
    }
    uint64_t copies = 0;
    {
      FloodTablePublisher::ReadSection read;
      const FloodTable& table = *lane.tables->current_for_reader();
      for (unsigned i = 0; i < kBurst; ++i) {
        rte_mbuf* m = lane.ingress[next++ % lane.ingress.size()];
        sink.set_ingress(m);
        copies += process_frame(
            std::span<const uint8_t>(rte_pktmbuf_mtod(m, const uint8_t*), rte_pktmbuf_data_len(m)),
            cfg, table, counters, sink);
      }
    }
    sink.flush_all();
    bench::drain_port(*lane.port);
    const auto t1 = Clock::now();
    auto& s = lane.samples;
    s.burst_ns[phase].push_back(
        uint32_t(std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count()));
    s.longest_gap_ns[phase] = std::max<uint64_t>(
        s.longest_gap_ns[phase],
        std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - last_end).count());
    s.copies[phase] += copies;
    last_end = t1;
  }
  close_phase(Clock::now());
  return 0;
}

rte_mbuf* ingress_frame(rte_mempool* pool, uint32_t vni) {
  std::vector<uint8_t> frame = bench::ipv4_frame(64);
  frame[46] = uint8_t(vni >> 16);  // VXLAN VNI, bytes 4..6 of the VXLAN header
  frame[47] = uint8_t(vni >> 8);
  frame[48] = uint8_t(vni);
  rte_mbuf* m = rte_pktmbuf_alloc(pool);
  if (m == nullptr) throw std::runtime_error("ingress pool exhausted");
  std::memcpy(rte_pktmbuf_append(m, uint16_t(frame.size())), frame.data(), frame.size());
  return m;
}

double percentile_us(std::vector<uint32_t>& v, double p) {
  if (v.empty()) return 0;
  const size_t k = std::min(v.size() - 1, size_t(p * double(v.size() - 1)));
  std::nth_element(v.begin(), v.begin() + long(k), v.end());
  return v[k] / 1000.0;
}

int run(double seconds_per_phase) {
  eal_init(default_eal_args());
  PortConfig config;
  config.devargs = "net_ring0";  // transmits into the ring it receives from
  config.max_frame_len = wire::kMaxFrameLen;
  auto port = DpdkPort::open(config);
  rte_mempool* pool =
      create_mbuf_pool("swap_ingress", 2047, RTE_PKTMBUF_HEADROOM + 2048, SOCKET_ID_ANY);
  if (pool == nullptr) throw std::runtime_error("cannot create the ingress pool");

  const MacAddr next_hop{{2, 0, 0, 0, 0, 2}};
  VniCounterRegistry vni_counters;
  IncrementalCompiler compiler(
      [&](MemberSpec& m) {
        m.resolved = true;
        m.next_hop_mac = next_hop;
        m.egress_port = 0;
      },
      [&](uint32_t vni) { return vni_counters.get_or_create(vni); });
  compiler.set_layout(ReplicationParams{}, {EgressPort{port->mac(), port->max_frame_len()}});
  auto t = Clock::now();
  for (uint32_t i = 0; i < kVnis; ++i) compiler.apply(vni_members(i, 0));
  uint64_t version = 1;
  FloodTablePublisher tables;
  publish_reclaiming_counters(tables, vni_counters, compiler.build(version++));
  std::printf("table: %u VNIs x %u members = %zu members, first compile %.0f ms\n", kVnis,
              kMembersPerVni, compiler.stats().members,
              std::chrono::duration<double, std::milli>(Clock::now() - t).count());

  Lane lane;
  lane.port = port.get();
  lane.tables = &tables;
  std::mt19937 rng(7);
  for (unsigned i = 0; i < kIngressFrames; ++i)
    lane.ingress.push_back(ingress_frame(pool, kFirstVni + rng() % kVnis));
  const unsigned lane_lcore = rte_get_next_lcore(rte_lcore_id(), 1, 0);
  std::thread lane_thread;
  if (lane_lcore < RTE_MAX_LCORE) {
    rte_eal_remote_launch(lane_loop, &lane, lane_lcore);
  } else {
    lane_thread = std::thread([&] { lane_loop(&lane); });
  }
  std::printf("lane on %s, control (compile + publish) on the main thread\n",
              lane_lcore < RTE_MAX_LCORE ? ("lcore " + std::to_string(lane_lcore)).c_str()
                                         : "a non-EAL thread");

  const auto phase_for = std::chrono::duration<double>(seconds_per_phase);
  std::this_thread::sleep_for(phase_for);  // steady

  lane.phase = kFullSwaps;
  std::vector<double> full_ms;
  for (auto end = Clock::now() + phase_for; Clock::now() < end || full_ms.empty();) {
    t = Clock::now();
    compiler.invalidate_all();
    publish_reclaiming_counters(tables, vni_counters, compiler.build(version++));
    full_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t).count());
  }

  lane.phase = kOneVni;
  std::vector<double> one_ms, one_build_ms;
  unsigned variant = 1;
  for (auto end = Clock::now() + phase_for; Clock::now() < end;) {
    t = Clock::now();
    compiler.apply(vni_members(rng() % kVnis, variant++ % 2));
    auto table = compiler.build(version++);
    one_build_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t).count());
    // As the daemon's software forwarding: waits for the lane's grace period, frees the old
    // snapshot, reclaims counters of VNIs gone.
    publish_reclaiming_counters(tables, vni_counters, std::move(table));
    one_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t).count());
    std::this_thread::sleep_until(t + std::chrono::milliseconds(2));
  }
  lane.stop = true;
  if (lane_lcore < RTE_MAX_LCORE) {
    rte_eal_wait_lcore(lane_lcore);
  } else {
    lane_thread.join();
  }

  std::sort(full_ms.begin(), full_ms.end());
  std::sort(one_ms.begin(), one_ms.end());
  std::sort(one_build_ms.begin(), one_build_ms.end());
  auto median = [](const std::vector<double>& v) { return v.empty() ? 0 : v[v.size() / 2]; };
  std::printf(
      "control: %zu full swaps, compile + publish median %.0f ms; %zu one-VNI swaps: compile "
      "median %.2f ms, compile + publish median %.2f ms, max %.2f ms\n",
      full_ms.size(), median(full_ms), one_ms.size(), median(one_build_ms), median(one_ms),
      one_ms.empty() ? 0 : one_ms.back());
  std::printf("\n%-24s %9s %12s %9s %9s %9s %9s %12s\n", "phase (lane, 64 B, x8)", "bursts",
              "copies/s", "p50 us", "p99 us", "p99.9 us", "max us", "longest gap");
  std::printf("csv,phase,bursts,copies_per_s,p50_us,p99_us,p999_us,max_us,longest_gap_us\n");
  for (int p = 0; p < kPhases; ++p) {
    auto& v = lane.samples.burst_ns[p];
    const double rate = lane.samples.copies[p] / std::max(1e-9, lane.samples.seconds[p]);
    const double p50 = percentile_us(v, 0.5), p99 = percentile_us(v, 0.99),
                 p999 = percentile_us(v, 0.999), max = percentile_us(v, 1.0);
    const double gap = lane.samples.longest_gap_ns[p] / 1000.0;
    std::printf("%-24s %9zu %12.0f %9.1f %9.1f %9.1f %9.1f %9.1f us\n", kPhaseNames[p], v.size(),
                rate, p50, p99, p999, max, gap);
    std::printf("csv,%d,%zu,%.0f,%.1f,%.1f,%.1f,%.1f,%.1f\n", p, v.size(), rate, p50, p99, p999,
                max, gap);
  }
  rte_pktmbuf_free_bulk(lane.ingress.data(), unsigned(lane.ingress.size()));
  return 0;
}

}  // namespace
}  // namespace vxsn

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::stod(argv[1]) : 2.0;
  try {
    return vxsn::run(seconds);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_table_swap_pause: %s\n", e.what());
    return 1;
  }
}
