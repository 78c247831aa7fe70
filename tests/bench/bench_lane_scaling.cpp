// How the software datapath scales with lanes: one lane against two, each on its own EAL
// lcore (a CPU of its own), as vxsnd runs `datapath.lcores = 2`. Each lane has what a lane
// has in production: its own port (a net_ring whose TX comes back on its RX, drained and
// freed by the lane after each burst, as a NIC's TX completion frees on the sending lcore),
// its own ingress frames in real mbufs, its own DatapathCounters and MbufSink; both lanes
// read the SAME flood table and update the same per-VNI counters, as lanes do. Each burst
// is parsed and looked up ahead (BurstLookahead), then replicated, as the datapath does.
//
// Cases: fan-out 8 (and 2), 64-byte inner frames; the frames of a lane all in one VNI (the
// worst case for shared per-VNI counters: both lanes update one cache line) or cycled
// through 1 024 VNIs. Prints copies/s for one and two lanes, the ratio, and `csv,` lines;
// nothing is asserted. Needs two CPUs with nothing else busy on them, else the ratio
// measures the scheduler.
//   build/tests/bench/bench_lane_scaling [seconds per run, default 2] [repeats, default 3]
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
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

constexpr uint16_t kBurst = kPollBurst;
constexpr unsigned kMaxLanes = 2;

struct Case {
  unsigned fan_out = 8;
  uint32_t vnis = 1;
};

// One lane's own port and frames.
struct LaneRig {
  std::unique_ptr<DpdkPort> port;
  rte_mempool* ingress_pool = nullptr;
  std::vector<rte_mbuf*> ingress;
};

struct LaneWork {
  LaneRig* rig = nullptr;
  const FloodTable* table = nullptr;
  const std::vector<uint32_t>* vni_order = nullptr;
  size_t first_vni = 0;  // where in the order this lane starts
  unsigned lane = 0;
  const std::atomic<bool>* stop = nullptr;
  uint64_t copies = 0;
  uint64_t dropped = 0;
};

// The lane's loop: as SoftwareDatapath's, with the port's RX replaced by the same ingress
// burst every time (its VNI bytes rewritten when the case cycles VNIs).
int lane_loop(void* arg) {
  LaneWork& w = *static_cast<LaneWork*>(arg);
  DpdkPort& port = *w.rig->port;
  const std::vector<DpdkPort*> ports = {&port};
  DatapathCounters counters;
  MbufSink sink(ports, counters, 0);
  BurstLookahead<kBurst> lookahead(w.lane);
  std::array<std::span<const uint8_t>, kBurst> spans;
  const ParseConfig cfg = bench::service_config();
  const size_t vni_at = bench::vni_offset(bench::Family::kV4);
  const std::vector<uint32_t>& order = *w.vni_order;
  size_t next = w.first_vni;
  uint64_t copies = 0;
  while (!w.stop->load(std::memory_order_relaxed)) {
    for (size_t i = 0; i < w.rig->ingress.size(); ++i) {
      rte_mbuf* m = w.rig->ingress[i];
      // One VNI too, so the rows compare.
      bench::rewrite_vni(m, vni_at, order[next]);
      next = next + 1 == order.size() ? 0 : next + 1;
      spans[i] = {rte_pktmbuf_mtod(m, const uint8_t*), rte_pktmbuf_data_len(m)};
    }
    lookahead.prepare(spans.data(), w.rig->ingress.size(), cfg, *w.table);
    for (size_t i = 0; i < w.rig->ingress.size(); ++i) {
      sink.set_ingress(w.rig->ingress[i]);
      copies += lookahead.process(i, *w.table, counters, sink);
    }
    sink.flush_all();
    bench::drain_port(port);
  }
  sink.flush_all();
  bench::drain_port(port);
  const DatapathCountersSnapshot s = counters.snapshot();
  w.dropped = s.drop(DropReason::kTxFull) + s.drop(DropReason::kNoBuffer);
  w.copies = copies - w.dropped;
  return 0;
}

// Copies/s of `lanes` lanes together for `seconds`.
double run(const Case& c, unsigned lanes, double seconds, std::array<LaneRig, kMaxLanes>& rigs,
           const std::vector<unsigned>& worker_lcores) {
  // Sharded per lane, as the daemon's registry makes them for two lanes.
  std::vector<std::unique_ptr<VniCounters>> counters;
  for (uint32_t v = 0; v < c.vnis; ++v)
    counters.push_back(std::make_unique<VniCounters>(kMaxLanes));
  const std::shared_ptr<const FloodTable> table = bench::fan_out_table(
      c.fan_out, rigs[0].port->mac(), rigs[0].port->max_frame_len(),
      [&](uint32_t k) { return counters[k].get(); }, bench::Family::kV4, c.vnis);
  const std::vector<uint32_t> order = bench::vni_order(c.vnis);
  std::atomic<bool> stop{false};
  std::array<LaneWork, kMaxLanes> work;
  for (unsigned l = 0; l < lanes; ++l)
    work[l] = LaneWork{&rigs[l], table.get(), &order, l * order.size() / kMaxLanes, l, &stop};
  const auto start = std::chrono::steady_clock::now();
  for (unsigned l = 0; l < lanes; ++l) rte_eal_remote_launch(lane_loop, &work[l], worker_lcores[l]);
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  rte_eal_mp_wait_lcore();
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  uint64_t copies = 0, dropped = 0;
  for (unsigned l = 0; l < lanes; ++l) {
    copies += work[l].copies;
    dropped += work[l].dropped;
  }
  if (dropped)
    std::printf("  (%llu copies dropped: tx_full/no_buffer)\n", (unsigned long long)dropped);
  return double(copies) / elapsed;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

int bench_main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 2.0;
  const int repeats = argc > 2 ? std::atoi(argv[2]) : 3;
  // The main lcore only waits; the lanes get the two CPUs.
  std::vector<std::string> args = default_eal_args();
  args.push_back("--lcores=0@0,1@0,2@1");
  eal_init(args);
  const std::vector<unsigned> worker_lcores = {1, 2};

  std::array<LaneRig, kMaxLanes> rigs;
  const std::vector<uint8_t> frame = bench::vxlan_frame(bench::Family::kV4, 64);
  for (unsigned l = 0; l < kMaxLanes; ++l) {
    PortConfig config;
    config.devargs = "net_ring" + std::to_string(l);  // TX comes back on its own RX
    config.max_frame_len = wire::kMaxFrameLen;
    rigs[l].port = DpdkPort::open(config);
    rigs[l].ingress_pool = create_mbuf_pool("lane_ingress" + std::to_string(l), 511,
                                            RTE_PKTMBUF_HEADROOM + 2048, SOCKET_ID_ANY);
    if (rigs[l].ingress_pool == nullptr) throw std::runtime_error("no ingress pool");
    for (uint16_t i = 0; i < kBurst; ++i) {
      rte_mbuf* m = rte_pktmbuf_alloc(rigs[l].ingress_pool);
      char* data = m ? rte_pktmbuf_append(m, static_cast<uint16_t>(frame.size())) : nullptr;
      if (data == nullptr) throw std::runtime_error("ingress pool exhausted");
      std::memcpy(data, frame.data(), frame.size());
      rigs[l].ingress.push_back(m);
    }
  }
  std::printf("lanes on lcores 1 (CPU 0) and 2 (CPU 1), %.1f s per run, median of %d\n", seconds,
              repeats);
  std::printf("%-8s %-8s %16s %16s %8s\n", "fan-out", "VNIs", "1 lane copies/s", "2 lanes copies/s",
              "ratio");
  std::vector<std::string> csv;
  for (const Case& c : {Case{8, 1}, Case{8, 1024}, Case{2, 1}, Case{2, 1024}}) {
    std::vector<double> one, two;
    for (int r = 0; r < repeats; ++r) {  // alternately, so drift hits both alike
      one.push_back(run(c, 1, seconds, rigs, worker_lcores));
      two.push_back(run(c, 2, seconds, rigs, worker_lcores));
    }
    const double a = median(one), b = median(two);
    std::printf("%-8u %-8u %16.0f %16.0f %8.2f\n", c.fan_out, c.vnis, a, b, b / a);
    csv.push_back("csv," + std::to_string(c.fan_out) + "," + std::to_string(c.vnis) + "," +
                  std::to_string(uint64_t(a)) + "," + std::to_string(uint64_t(b)) + "," +
                  std::to_string(b / a));
  }
  std::printf("\ncsv,fanout,vnis,one_lane_copies_per_s,two_lanes_copies_per_s,ratio\n");
  for (const std::string& line : csv) std::printf("%s\n", line.c_str());
  for (LaneRig& r : rigs) rte_pktmbuf_free_bulk(r.ingress.data(), unsigned(r.ingress.size()));
  return 0;
}

}  // namespace
}  // namespace vxsn

int main(int argc, char** argv) {
  try {
    return vxsn::bench_main(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_lane_scaling: %s\n", e.what());
    return 1;
  }
}
