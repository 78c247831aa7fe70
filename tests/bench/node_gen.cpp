// bench_node_gen: the DPDK traffic generator of the node-only benchmark (bench_node_only).
// It owns one DPDK port (its own EAL, --file-prefix, device: a memif client facing
// vxsnd's memif server, or af_packet on a VTEP's interface) and runs trials on command:
//   bench_node_gen EAL-ARGS -- --commands FIFO --dst-mac M --src-mac M --src-ip A
//                  --dst-ip A [--vnis N] [--flows-per-vni N] [--queues N] [--inner BYTES]
// Each line read from FIFO, "run SEQ RATE SECONDS VNI_BASE", sends VXLAN frames to VNIs
// VNI_BASE .. VNI_BASE+N-1 (several UDP source ports each) at RATE frames/s (0: as fast
// as the port takes them) for SECONDS, draining and counting every frame that comes back
// on any RX queue (vxsnd's copies on memif) until the port has been quiet for 250 ms, then
// prints "result SEQ SENT RECEIVED SEND_S LAST_RX_S TX_REFUSED". A flow's frames always go
// out on queue (flow mod queues): on memif that queue is the vxsnd lane that polls it, the
// spread RSS gives a NIC. "quit" (or the FIFO closing) ends it.
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "driver/net_types.hpp"
#include "sim/tools/vxlan_frame_builder.hpp"

namespace vxsn::test {
namespace {

constexpr uint16_t kPort = 0;
constexpr uint16_t kBurst = 32;
constexpr uint16_t kRing = 1024;

struct Options {
  std::string commands;
  sim::VxlanFrameSpec frame;
  size_t inner_len = 64;
  unsigned vnis = 64;
  unsigned flows_per_vni = 4;
  uint16_t queues = 1;
};

struct Trial {
  uint64_t sent = 0, received = 0, refused = 0;
  double send_s = 0, last_rx_s = 0;
};

class Generator {
 public:
  Generator(const Options& o) : o_(o) {
    if (rte_eth_dev_count_avail() < 1) throw std::runtime_error("no DPDK port (--vdev missing?)");
    rte_eth_dev_info info{};
    if (rte_eth_dev_info_get(kPort, &info) != 0) throw std::runtime_error("no port info");
    // As many as the other side serves (memif refuses a ring index it has not set up).
    queues_ = std::min<uint16_t>({o.queues, info.max_rx_queues, info.max_tx_queues, 8});
    pool_ = rte_pktmbuf_pool_create("gen_pool", 8191, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
                                    static_cast<int>(rte_socket_id()));
    if (!pool_) throw std::runtime_error("mbuf pool: " + std::string(rte_strerror(rte_errno)));
    rte_eth_conf conf{};
    if (rte_eth_dev_configure(kPort, queues_, queues_, &conf) != 0)
      throw std::runtime_error("port configure failed");
    for (uint16_t q = 0; q < queues_; ++q)
      if (rte_eth_rx_queue_setup(kPort, q, kRing, rte_socket_id(), nullptr, pool_) != 0 ||
          rte_eth_tx_queue_setup(kPort, q, kRing, rte_socket_id(), nullptr) != 0)
        throw std::runtime_error("queue set-up failed");
    if (rte_eth_dev_start(kPort) != 0) throw std::runtime_error("port start failed");
  }

  uint16_t queues() const { return queues_; }

  bool wait_link_up(double seconds) {
    const uint64_t end = rte_get_tsc_cycles() + static_cast<uint64_t>(seconds * rte_get_tsc_hz());
    rte_eth_link link{};
    while (rte_get_tsc_cycles() < end) {
      rte_eth_link_get_nowait(kPort, &link);
      if (link.link_status == RTE_ETH_LINK_UP) return true;
      drain();
      rte_delay_ms(10);
    }
    return false;
  }

  Trial run(double rate, double seconds, uint32_t vni_base) {
    build_templates(vni_base);
    Trial t;
    const uint64_t hz = rte_get_tsc_hz(), start = rte_get_tsc_cycles();
    const uint64_t end = start + static_cast<uint64_t>(seconds * hz);
    uint64_t offered = 0, last_rx = start;
    size_t next_flow[8] = {};
    uint16_t q = 0;
    for (uint64_t now = rte_get_tsc_cycles(); now < end; now = rte_get_tsc_cycles()) {
      if (drain()) last_rx = now;
      // Frames due by now (paced), at most one burst per queue per turn.
      const uint64_t due =
          rate > 0 ? static_cast<uint64_t>((now - start) * rate / hz) + 1 : offered + kBurst;
      if (due <= offered) continue;
      const uint16_t n = static_cast<uint16_t>(std::min<uint64_t>(kBurst, due - offered));
      rte_mbuf* burst[kBurst];
      if (rte_pktmbuf_alloc_bulk(pool_, burst, n) != 0) continue;  // copies still held
      const std::vector<std::vector<uint8_t>>& frames = templates_[q];
      for (uint16_t i = 0; i < n; ++i) {
        const std::vector<uint8_t>& f = frames[next_flow[q]++ % frames.size()];
        std::memcpy(rte_pktmbuf_mtod(burst[i], void*), f.data(), f.size());
        burst[i]->data_len = static_cast<uint16_t>(f.size());
        burst[i]->pkt_len = static_cast<uint32_t>(f.size());
      }
      const uint16_t sent = rte_eth_tx_burst(kPort, q, burst, n);
      if (sent < n) rte_pktmbuf_free_bulk(burst + sent, n - sent);
      t.sent += sent;
      t.refused += n - sent;
      offered += n;
      q = static_cast<uint16_t>((q + 1) % queues_);
    }
    t.send_s = static_cast<double>(rte_get_tsc_cycles() - start) / hz;
    // What vxsnd still has in flight comes back: drain until 250 ms pass without a frame.
    for (uint64_t now = rte_get_tsc_cycles(); now - last_rx < hz / 4 && now < end + 5 * hz;
         now = rte_get_tsc_cycles())
      if (drain()) last_rx = now;
    t.received = received_;
    received_ = 0;
    t.last_rx_s = static_cast<double>(last_rx - start) / hz;
    return t;
  }

 private:
  // Frames of VNIs vni_base.. with flows_per_vni source ports each, dealt to the queues by
  // flow so one flow never changes queue.
  void build_templates(uint32_t vni_base) {
    templates_.assign(queues_, {});
    unsigned flow = 0;
    for (unsigned v = 0; v < o_.vnis; ++v)
      for (unsigned p = 0; p < o_.flows_per_vni; ++p, ++flow) {
        sim::VxlanFrameSpec s = o_.frame;
        s.vni = vni_base + v;
        s.udp_src_port = static_cast<uint16_t>(49152 + flow);
        templates_[flow % queues_].push_back(
            sim::build_vxlan_frame(s, sim::make_inner_frame(o_.inner_len, flow)));
      }
  }

  // Receives and frees what is waiting on every queue; true if anything was.
  bool drain() {
    bool any = false;
    for (uint16_t q = 0; q < queues_; ++q) {
      rte_mbuf* rx[64];
      for (uint16_t n; (n = rte_eth_rx_burst(kPort, q, rx, 64)) > 0;) {
        received_ += n;
        any = true;
        rte_pktmbuf_free_bulk(rx, n);
        if (n < 64) break;
      }
    }
    return any;
  }

  Options o_;
  uint16_t queues_ = 1;
  rte_mempool* pool_ = nullptr;
  std::vector<std::vector<std::vector<uint8_t>>> templates_;
  uint64_t received_ = 0;
};

MacAddr mac(const std::string& flag, const std::string& text) {
  if (auto m = MacAddr::parse(text)) return *m;
  throw std::invalid_argument(flag + ": not a MAC address: '" + text + "'");
}

IpAddr ip(const std::string& flag, const std::string& text) {
  if (auto a = IpAddr::parse(text)) return *a;
  throw std::invalid_argument(flag + ": not an IP address: '" + text + "'");
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) throw std::invalid_argument(flag + ": value missing");
    const std::string v = argv[++i];
    if (flag == "--commands")
      o.commands = v;
    else if (flag == "--dst-mac")
      o.frame.dst_mac = mac(flag, v);
    else if (flag == "--src-mac")
      o.frame.src_mac = mac(flag, v);
    else if (flag == "--src-ip")
      o.frame.src = ip(flag, v);
    else if (flag == "--dst-ip")
      o.frame.dst = ip(flag, v);
    else if (flag == "--vnis")
      o.vnis = std::max(1, std::stoi(v));
    else if (flag == "--flows-per-vni")
      o.flows_per_vni = std::max(1, std::stoi(v));
    else if (flag == "--queues")
      o.queues = static_cast<uint16_t>(std::clamp(std::stoi(v), 1, 8));
    else if (flag == "--inner")
      o.inner_len = static_cast<size_t>(std::max(14, std::stoi(v)));
    else
      throw std::invalid_argument("unknown option " + flag);
  }
  if (o.commands.empty()) throw std::invalid_argument("--commands FIFO is required");
  return o;
}

int run_commands(const Options& o) {
  Generator gen(o);
  if (!gen.wait_link_up(30)) throw std::runtime_error("port link not up after 30 s");
  std::printf("ready queues %u\n", gen.queues());
  std::fflush(stdout);
  std::ifstream commands(o.commands);
  for (std::string line; std::getline(commands, line);) {
    char word[16] = "";
    unsigned long seq = 0, vni_base = 0;
    double rate = 0, seconds = 0;
    if (std::sscanf(line.c_str(), "%15s %lu %lf %lf %lu", word, &seq, &rate, &seconds, &vni_base) ==
            5 &&
        !std::strcmp(word, "run")) {
      const Trial t = gen.run(rate, seconds, static_cast<uint32_t>(vni_base));
      std::printf("result %lu %llu %llu %.6f %.6f %llu\n", seq,
                  static_cast<unsigned long long>(t.sent),
                  static_cast<unsigned long long>(t.received), t.send_s, t.last_rx_s,
                  static_cast<unsigned long long>(t.refused));
      std::fflush(stdout);
    } else if (line == "quit") {
      break;
    } else {
      std::fprintf(stderr, "bench_node_gen: ignored command '%s'\n", line.c_str());
    }
  }
  rte_eth_dev_stop(kPort);
  rte_eth_dev_close(kPort);
  return 0;
}

}  // namespace
}  // namespace vxsn::test

int main(int argc, char** argv) {
  const int eal = rte_eal_init(argc, argv);
  if (eal < 0) {
    std::fprintf(stderr, "bench_node_gen: EAL init failed: %s\n", rte_strerror(rte_errno));
    return 1;
  }
  int rc = 1;
  try {
    rc = vxsn::test::run_commands(vxsn::test::parse(argc - eal, argv + eal));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_node_gen: %s\n", e.what());
  }
  rte_eal_cleanup();
  return rc;
}
