// Benchmark 2, node only: vxsnd alone at full speed, fed by a DPDK generator process, with
// the receivers costing nothing, in two set-ups (same run, same frames: IPv4 outer, 64 B
// inner, --vnis VNIs of fan-out F, several UDP source ports each):
//   memif   vxsnd's port is a DPDK memif server; bench_node_gen (its own EAL, its own
//           --file-prefix) is the memif client, sends the frames and drains and counts every
//           copy vxsnd sends back on the same port. DPDK's net_ring works only inside one
//           process; memif is DPDK's own shared-memory port between two processes, so it
//           stands in for "net_ring fed by a generator process": no kernel, no wire.
//   af_xdp  vxsnd on AF_XDP on the testbed node's veth (as the demo runs it); the generator
//           sends with net_af_packet from a VTEP namespace's interface through the underlay
//           bridge; the members are addresses in one sink namespace whose nftables ingress
//           hook counts and drops every copy (tests/bench/e2e_sink.hpp). The naive
//           replicator (sim/naive_replicator, UDP sockets) takes the same frames here.
// For each set-up, fan-out and datapath lcore count (1, 2): copies/s out at saturation
// (the generator unpaced, median of --repeats), and the zero-loss input rate: a bisection
// over offered rates in fixed-length trials for the highest rate at which vxsnd's own
// counters (stats file) show every frame received, no drop, no RX miss, and the copies out
// equal input x fan-out. Prints the CPUs every busy thread ran on, the 2/1-lcore and
// vxsnd/naive ratios, a table and csv lines. Nothing is asserted. Needs root. With 2 CPUs
// the 2-lcore runs share a CPU with the generator (printed); AF_XDP on a veth has one
// queue, so its 2-lcore run cannot start (vxsnd's reason is printed).
//   sudo build/tests/bench/bench_node_only [--seconds S] [--repeats R] [--fanout N ...]
//        [--vnis N] [--steps N] [--gen-cpu C] [--setup memif|af_xdp|all] [--memif-rsize N]
//        [--no-naive]
#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/bench/bench_interrupt.hpp"
#include "tests/bench/e2e_naive.hpp"
#include "tests/bench/e2e_sink.hpp"
#include "tests/bench/memif_link.hpp"
#include "tests/bench/node_gen_client.hpp"
#include "tests/integration/testbed.hpp"

namespace vxsn::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* kMemifMac = "02:99:00:00:00:fe";

struct Settings {
  double seconds = 1;
  int repeats = 3;
  std::vector<int> fanouts;
  int vnis = 64;
  int steps = 6;
  int gen_cpu = 0;
  bool naive = true;
  std::string setup = "all";  // memif, af_xdp or all
  int rsize = 12;             // log2 of memif's ring size
};

// vxsnd's counters that say whether a trial lost anything.
struct NodeCounts {
  uint64_t rx = 0, copies = 0, drops = 0, missed = 0, tx_errors = 0;
  std::map<std::string, uint64_t> by_reason;
  NodeCounts operator-(const NodeCounts& o) const {
    NodeCounts d{rx - o.rx,         copies - o.copies,       drops - o.drops,
                 missed - o.missed, tx_errors - o.tx_errors, {}};
    for (const auto& [reason, n] : by_reason)
      if (auto it = o.by_reason.find(reason); n > (it == o.by_reason.end() ? 0 : it->second))
        d.by_reason[reason] = n - (it == o.by_reason.end() ? 0 : it->second);
    return d;
  }
  std::string summary() const {
    std::string s = " (vxsnd rx " + std::to_string(rx) + ", rx_missed " + std::to_string(missed) +
                    ", drops " + std::to_string(drops);
    for (const auto& [reason, n] : by_reason) s += " " + reason + " " + std::to_string(n);
    return s + ")";
  }
};

NodeCounts node_counts(const Node& node) {
  const nlohmann::json s = node.fresh_stats();
  NodeCounts c;
  c.rx = s.value("rx_frames", 0ull);
  c.copies = s.value("tx_copies", 0ull);
  if (s.contains("drops"))
    for (const auto& [reason, n] : s["drops"].items()) {
      c.drops += n.get<uint64_t>();
      c.by_reason[reason] = n.get<uint64_t>();
    }
  if (s.contains("ports"))
    for (const auto& p : s["ports"]) {
      c.missed += p.value("rx_missed", 0ull);
      c.tx_errors += p.value("tx_errors", 0ull);
    }
  return c;
}

struct Measure {
  double offered = 0;  // the rate asked for; 0 = unpaced
  GenTrial gen;
  uint64_t copies = 0;  // counted where the copies end (generator or sink)
  double copy_s = 0;    // from the start to the last copy
  std::optional<NodeCounts> node;
  // The node's veth (af_xdp set-up): frames the kernel dropped on receiving them, e.g. an
  // XDP redirect into a full AF_XDP ring, which the PMD's rx_missed does not include.
  std::optional<uint64_t> veth_rx_dropped;
  double input_fps() const { return gen.send_s > 0 ? gen.sent / gen.send_s : 0; }
  double copies_per_s() const { return copy_s > 0 ? copies / copy_s : 0; }
  bool zero_loss(int fanout) const {
    if (copies != gen.sent * static_cast<uint64_t>(fanout) || gen.sent == 0) return false;
    return !node ||
           (node->rx == gen.sent && node->drops == 0 && node->missed == 0 && node->tx_errors == 0);
  }
};

struct Outcome {
  std::string setup;  // memif, af_xdp
  std::string replicator;
  int lcores = 0;
  int fanout = 0;
  std::vector<Measure> saturation;
  std::optional<Measure> zero_loss;
  std::string note;  // why nothing was measured, or where it ran
  const Measure* median() const {
    if (saturation.empty()) return nullptr;
    std::vector<const Measure*> m;
    for (const Measure& x : saturation) m.push_back(&x);
    std::sort(m.begin(), m.end(), [](const Measure* a, const Measure* b) {
      return a->copies_per_s() < b->copies_per_s();
    });
    return m[m.size() / 2];
  }
};

// Threads of `pid` that used the CPU, with the CPUs they may run on and their CPU seconds.
std::string busy_threads(pid_t pid) {
  std::ostringstream out;
  const std::string task = "/proc/" + std::to_string(pid) + "/task";
  DIR* d = ::opendir(task.c_str());
  if (!d) return "(gone)";
  const double tick = static_cast<double>(::sysconf(_SC_CLK_TCK));
  while (dirent* e = ::readdir(d)) {
    if (e->d_name[0] == '.') continue;
    const std::string dir = task + "/" + e->d_name;
    std::string stat, status_line, allowed;
    std::getline(std::ifstream(dir + "/stat"), stat);
    for (std::ifstream st(dir + "/status"); std::getline(st, status_line);)
      if (status_line.rfind("Cpus_allowed_list:", 0) == 0)
        allowed = status_line.substr(status_line.find_first_not_of(" \t", 18));
    const auto open = stat.find('('), close = stat.rfind(')');
    if (open == std::string::npos || close == std::string::npos) continue;
    std::istringstream fields(stat.substr(close + 2));
    std::vector<std::string> f;
    for (std::string x; fields >> x;) f.push_back(x);
    if (f.size() < 37) continue;
    const double cpu_s = (std::stod(f[11]) + std::stod(f[12])) / tick;
    if (cpu_s < 0.2) continue;
    out << " " << stat.substr(open + 1, close - open - 1) << "[cpus " << allowed << ", last "
        << f[36] << ", " << static_cast<int>(cpu_s + 0.5) << " s]";
  }
  ::closedir(d);
  return out.str();
}

class Bench {
 public:
  explicit Bench(Settings s)
      : s_(std::move(s)), sink_(tb_, *std::max_element(s_.fanouts.begin(), s_.fanouts.end())) {}

  void memif(int lcores) {
    MemifLink link(tb_.prefix(), s_.rsize, kMemifMac);
    NodeOptions o = node_options(lcores, link.eal_args_toml());
    o.port_device = link.server_device();
    GenSetup g = gen_setup(tb_.node_ns(), link.client_device());
    g.dst_mac = kMemifMac;
    g.src_mac = "02:99:00:00:00:01";
    g.queues = lcores;
    with_node("memif", lcores, o, g, false);
  }

  void af_xdp(int lcores) {
    NodeOptions o = node_options(lcores);
    o.port_device = "net_af_xdp0,iface=" + tb_.node_if() +
                    (lcores > 1 ? ",queue_count=" + std::to_string(lcores) : "");
    with_node("af_xdp", lcores, o, vtep_generator(), true);
  }

  void naive() {
    NaiveReplicator naive(tb_, membership());
    GenClient gen(vtep_generator());
    // The kernel resolves the members' MACs on the first copies: resolve them before timing.
    gen.run(1000, 0.3, vni_base(*std::max_element(s_.fanouts.begin(), s_.fanouts.end())));
    std::this_thread::sleep_for(500ms);
    for (int f : s_.fanouts) {
      Outcome out{"af_xdp", "naive", 1, f, {}, {}, {}};
      measure(out, gen, nullptr, true);
      out.note = "naive:" + busy_threads(naive.pid()) + "; generator:" + busy_threads(gen.pid());
      std::printf("  %s\n", out.note.c_str());
      outcomes_.push_back(std::move(out));
    }
    std::printf("  naive: %s", naive.stop().c_str());
  }

  void print(FILE* out) const {
    std::fprintf(out,
                 "\nnode only: IPv4 outer, 64 B inner, %d VNIs x 4 source ports per fan-out, "
                 "%.1f s trials; copies/s at saturation (median of %d), zero-loss input "
                 "(bisection, %d steps)\n",
                 s_.vnis, s_.seconds, s_.repeats, s_.steps);
    std::fprintf(out, "%-7s %-6s %6s %6s | %10s %10s %7s %7s | %10s %10s | %6s %6s | %11s\n",
                 "setup", "repl", "lcores", "fanout", "input f/s", "copies/s", "in lost",
                 "out lost", "0-loss f/s", "0-loss c/s", "2/1 sat", "2/1 0l", "vxsnd/naive");
    for (const Outcome& o : outcomes_) {
      const Measure* m = o.median();
      if (!m) {
        std::fprintf(out, "%-7s %-6s %6d %6d | not measured: %s\n", o.setup.c_str(),
                     o.replicator.c_str(), o.lcores, o.fanout, o.note.c_str());
        continue;
      }
      auto ratio = [](double a, double b) {
        char r[32] = "-";
        if (a > 0 && b > 0) std::snprintf(r, sizeof r, "%.2f", a / b);
        return std::string(r);
      };
      auto sat = [](const Outcome* x) {
        return x && x->median() ? x->median()->copies_per_s() : 0;
      };
      auto zero = [](const Outcome* x) {
        return x && x->zero_loss ? x->zero_loss->input_fps() : 0;
      };
      // Where the saturation run lost: input vxsnd never received, copies never delivered.
      auto percent = [](double lost, double of) {
        char r[32] = "-";
        if (of > 0) std::snprintf(r, sizeof r, "%.1f%%", 100 * lost / of);
        return std::string(r);
      };
      std::string in_lost = "-", out_lost = "-";
      if (m->node) {
        const double rx = static_cast<double>(m->node->rx);
        in_lost = percent(std::max(0.0, static_cast<double>(m->gen.sent) - rx), m->gen.sent);
        out_lost = percent(std::max(0.0, rx * o.fanout - m->copies), rx * o.fanout);
      } else {
        out_lost = percent(std::max(0.0, static_cast<double>(m->gen.sent) * o.fanout - m->copies),
                           static_cast<double>(m->gen.sent) * o.fanout);
      }
      const Outcome* one = o.lcores > 1 ? find(o.setup, o.replicator, 1, o.fanout) : nullptr;
      const Outcome* naive =
          o.replicator == "vxsnd" ? find("af_xdp", "naive", 1, o.fanout) : nullptr;
      std::fprintf(out,
                   "%-7s %-6s %6d %6d | %10.0f %10.0f %7s %7s | %10.0f %10.0f | %6s %6s | %11s\n",
                   o.setup.c_str(), o.replicator.c_str(), o.lcores, o.fanout, m->input_fps(),
                   m->copies_per_s(), in_lost.c_str(), out_lost.c_str(), zero(&o),
                   o.zero_loss ? o.zero_loss->copies_per_s() : 0.0,
                   one ? ratio(sat(&o), sat(one)).c_str() : "-",
                   one ? ratio(zero(&o), zero(one)).c_str() : "-",
                   naive ? ratio(sat(&o), sat(naive)).c_str() : "-");
    }
    std::fprintf(
        out,
        "csv,setup,replicator,lcores,fanout,kind,offered_fps,sent,input_fps,copies,"
        "copies_per_s,node_rx,node_copies,node_drops,node_rx_missed,veth_rx_dropped,zero_loss\n");
    for (const Outcome& o : outcomes_) {
      auto line = [&](const char* kind, const Measure& m) {
        const NodeCounts n = m.node.value_or(NodeCounts{});
        std::fprintf(out, "csv,%s,%s,%d,%d,%s,%.0f,%llu,%.0f,%llu,%.0f,%s,%s,%s,%s,%s,%d\n",
                     o.setup.c_str(), o.replicator.c_str(), o.lcores, o.fanout, kind, m.offered,
                     static_cast<unsigned long long>(m.gen.sent), m.input_fps(),
                     static_cast<unsigned long long>(m.copies), m.copies_per_s(),
                     m.node ? std::to_string(n.rx).c_str() : "",
                     m.node ? std::to_string(n.copies).c_str() : "",
                     m.node ? std::to_string(n.drops).c_str() : "",
                     m.node ? std::to_string(n.missed).c_str() : "",
                     m.veth_rx_dropped ? std::to_string(*m.veth_rx_dropped).c_str() : "",
                     m.zero_loss(o.fanout));
      };
      for (const Measure& m : o.saturation) line("saturation", m);
      if (o.zero_loss) line("zero_loss", *o.zero_loss);
    }
  }

 private:
  static uint32_t vni_base(int fanout) { return 100000 + 1000 * static_cast<uint32_t>(fanout); }

  // VNI -> members: the sending VTEP (split horizon: it gets no copy) and F sink addresses.
  std::map<uint32_t, std::vector<std::string>> membership() const {
    std::map<uint32_t, std::vector<std::string>> m;
    for (int f : s_.fanouts)
      for (int v = 0; v < s_.vnis; ++v) {
        auto& members = m[vni_base(f) + static_cast<uint32_t>(v)];
        members.push_back(tb_.vtep_ips()[0]);
        for (int i = 0; i < f; ++i) members.push_back(sink_.addresses()[i]);
      }
    return m;
  }

  NodeOptions node_options(int lcores, const std::string& datapath_keys = "") const {
    NodeOptions o;
    o.extra_config = "[datapath]\nlcores = " + std::to_string(lcores) + "\n" + datapath_keys +
                     "\n[table]\nlearning = false\n";
    o.member_addresses = membership();
    return o;
  }

  GenSetup gen_setup(const std::string& netns, const std::string& vdev) const {
    GenSetup g;
    g.netns = netns;
    g.file_prefix = tb_.prefix() + "-gen";
    g.vdev = vdev;
    g.cpu = s_.gen_cpu;
    g.src_ip = tb_.vtep_ips()[0];
    g.dst_ip = tb_.service_ip();
    g.vnis = s_.vnis;
    return g;
  }

  // af_packet on the first VTEP's underlay interface, to the node's interface's MAC.
  GenSetup vtep_generator() const {
    GenSetup g = gen_setup(tb_.vtep_ns(1), "net_af_packet0,iface=ul0");
    g.dst_mac = mac_of(tb_.node_ns(), tb_.node_if());
    g.src_mac = mac_of(tb_.vtep_ns(1), "ul0");
    return g;
  }

  static std::string mac_of(const std::string& netns, const std::string& ifname) {
    std::string mac =
        run("ip netns exec " + netns + " cat /sys/class/net/" + ifname + "/address").output;
    mac.erase(mac.find_last_not_of(" \n") + 1);
    return mac;
  }

  void with_node(const std::string& setup, int lcores, const NodeOptions& o, const GenSetup& g,
                 bool copies_at_sink) {
    std::printf("== %s, vxsnd with %d datapath lcore(s)\n", setup.c_str(), lcores);
    if (lcores >= ::sysconf(_SC_NPROCESSORS_ONLN))
      std::printf(
          "  note: %d lanes on %ld CPUs: a lane shares CPU %d with the generator, so these "
          "figures show the CPUs oversubscribed, not how lanes scale\n",
          lcores, ::sysconf(_SC_NPROCESSORS_ONLN), s_.gen_cpu);
    std::fflush(stdout);
    Node node(tb_, o);
    if (!node.wait_ready(60s)) {
      const std::string log = node.process().log();
      std::printf("vxsnd did not start: %s\n", log.c_str());
      // The PMD's own complaint (a line without a timestamp) and vxsnd's critical line.
      std::string why = "vxsnd did not start:";
      std::istringstream lines(log);
      for (std::string line; std::getline(lines, line);)
        if ((!line.empty() && std::isalpha(static_cast<unsigned char>(line[0])) &&
             line.rfind("EAL", 0) != 0) ||
            line.find("critical") != std::string::npos)
          why += " " + line;
      for (int f : s_.fanouts) outcomes_.push_back({setup, "vxsnd", lcores, f, {}, {}, why});
      return;
    }
    const std::string log = node.process().log();
    if (auto at = log.find("datapath lcores on"); at != std::string::npos)
      std::printf("  vxsnd: %s\n", log.substr(at, log.find('\n', at) - at).c_str());
    GenClient gen(g);
    for (int f : s_.fanouts) {
      Outcome out{setup, "vxsnd", lcores, f, {}, {}, {}};
      measure(out, gen, &node, copies_at_sink);
      out.note =
          "vxsnd:" + busy_threads(node.process().pid()) + "; generator:" + busy_threads(gen.pid());
      std::printf("  %s\n", out.note.c_str());
      outcomes_.push_back(std::move(out));
    }
  }

  // Saturation (unpaced, --repeats times), then the bisection for the zero-loss rate.
  void measure(Outcome& out, GenClient& gen, const Node* node, bool copies_at_sink) {
    auto once = [&](double rate) {
      throw_if_interrupted();
      Measure m = trial(gen, node, copies_at_sink, out.fanout, rate);
      std::printf(
          "  %s %s %d lcore(s) fan-out %d offered %s: input %.0f f/s, copies %.0f/s%s%s%s\n",
          out.setup.c_str(), out.replicator.c_str(), out.lcores, out.fanout,
          rate > 0 ? std::to_string(static_cast<long>(rate)).c_str() : "unpaced", m.input_fps(),
          m.copies_per_s(), m.zero_loss(out.fanout) ? ", zero loss" : "",
          m.node ? m.node->summary().c_str() : "",
          m.veth_rx_dropped
              ? (" [node veth rx_dropped " + std::to_string(*m.veth_rx_dropped) + "]").c_str()
              : "");
      std::fflush(stdout);
      return m;
    };
    for (int r = 0; r < s_.repeats; ++r) out.saturation.push_back(once(0));
    // Bisection between 0 and the input the generator reached unpaced, starting at the rate
    // whose copies the node delivered at saturation (a good guess that saves steps).
    const Measure& top = *out.median();
    const double ceiling = top.input_fps();
    double lo = 0, hi = ceiling;
    for (int step = 0; step <= s_.steps && hi - lo > 1000; ++step) {
      const double rate =
          step == 0 ? std::min(ceiling, 1.1 * top.copies_per_s() / out.fanout) : (lo + hi) / 2;
      Measure m = once(rate);
      if (m.zero_loss(out.fanout)) {
        lo = rate;
        out.zero_loss = m;
        if (rate >= ceiling) break;  // lossless at the generator's own limit
      } else {
        hi = rate;
      }
    }
  }

  Measure trial(GenClient& gen, const Node* node, bool copies_at_sink, int fanout, double rate) {
    Measure m;
    m.offered = rate;
    const NodeCounts before = node ? node_counts(*node) : NodeCounts{};
    const uint64_t sink_before = copies_at_sink ? sink_.copies() : 0;
    const uint64_t veth_before = copies_at_sink ? veth_rx_dropped() : 0;
    const auto start = std::chrono::steady_clock::now();
    m.gen = gen.run(rate, s_.seconds, vni_base(fanout));
    if (copies_at_sink) {
      const MemberSink::Settled settled =
          sink_.settle(sink_before, start, m.gen.send_s, s_.seconds + 10);
      m.copies = settled.copies;
      m.copy_s = settled.seconds;
    } else {
      m.copies = m.gen.received;
      m.copy_s = std::max(m.gen.send_s, m.gen.last_rx_s);
    }
    if (node) m.node = node_counts(*node) - before;
    if (copies_at_sink) m.veth_rx_dropped = veth_rx_dropped() - veth_before;
    return m;
  }

  uint64_t veth_rx_dropped() const {
    const std::string n = run("ip netns exec " + tb_.node_ns() + " cat /sys/class/net/" +
                              tb_.node_if() + "/statistics/rx_dropped")
                              .output;
    return std::strtoull(n.c_str(), nullptr, 10);
  }

  const Outcome* find(const std::string& setup, const std::string& who, int lcores,
                      int fanout) const {
    for (const Outcome& o : outcomes_)
      if (o.setup == setup && o.replicator == who && o.lcores == lcores && o.fanout == fanout)
        return &o;
    return nullptr;
  }

  Settings s_;
  Testbed tb_{TestbedOptions{.vteps = 1, .vnis = 1, .jumbo = false}};
  MemberSink sink_;
  std::vector<Outcome> outcomes_;
};

std::string load_average() {
  std::string l = run("cat /proc/loadavg").output;
  return l.substr(0, l.find(' ', l.find(' ', l.find(' ') + 1) + 1));
}

}  // namespace
}  // namespace vxsn::test

int main(int argc, char** argv) {
  using namespace vxsn::test;
  if (::geteuid() != 0) {
    std::fprintf(stderr, "bench_node_only needs root (namespaces, AF_XDP, DPDK)\n");
    return 77;
  }
  vxsn::test::catch_bench_interrupts();
  Settings s;
  const char* usage =
      "usage: bench_node_only [--seconds S] [--repeats R] [--fanout N ...] [--vnis N] "
      "[--steps N] [--gen-cpu C] [--setup memif|af_xdp|all] [--memif-rsize 8..14] [--no-naive]\n";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const bool value = i + 1 < argc;
    if (a == "--seconds" && value)
      s.seconds = std::max(0.2, std::stod(argv[++i]));
    else if (a == "--repeats" && value)
      s.repeats = std::max(1, std::stoi(argv[++i]));
    else if (a == "--fanout" && value)
      while (i + 1 < argc && argv[i + 1][0] != '-')
        s.fanouts.push_back(std::max(1, std::stoi(argv[++i])));
    else if (a == "--vnis" && value)
      s.vnis = std::clamp(std::stoi(argv[++i]), 1, 999);
    else if (a == "--steps" && value)
      s.steps = std::clamp(std::stoi(argv[++i]), 0, 20);
    else if (a == "--gen-cpu" && value)
      s.gen_cpu = std::stoi(argv[++i]);
    else if (a == "--setup" && value)
      s.setup = argv[++i];
    else if (a == "--memif-rsize" && value)
      s.rsize = std::clamp(std::stoi(argv[++i]), 8, 14);
    else if (a == "--no-naive")
      s.naive = false;
    else {
      std::fprintf(stderr, "%s", usage);
      return 2;
    }
  }
  if (s.fanouts.empty()) s.fanouts = {8};
  try {
    const std::string load_before = load_average();
    Bench bench(s);
    if (s.setup != "af_xdp")
      for (int lcores : {1, 2}) bench.memif(lcores);
    if (s.setup != "memif") {
      for (int lcores : {1, 2}) bench.af_xdp(lcores);
      if (s.naive) bench.naive();
    }
    bench.print(stdout);
    std::printf(
        "transport: memif stands in for net_ring (net_ring cannot cross processes); the "
        "generator runs on CPU %d of %ld, beside vxsnd's lcores (see the CPUs above)\n"
        "load average (1, 5, 15 min) before: %s, after: %s\n",
        s.gen_cpu, ::sysconf(_SC_NPROCESSORS_ONLN), load_before.c_str(), load_average().c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_node_only: %s\n", e.what());
    return 1;
  }
  return 0;
}
