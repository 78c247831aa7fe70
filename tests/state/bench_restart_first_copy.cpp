// vxsnd start to first copy with a large state file (root: it builds a testbed). The file
// holds N registered entries (default 1M: 4096 VNIs x 256 members drawn from 4096 VTEP
// addresses, routed in the node's namespace via VTEP 1) plus VTEP 3's registration in the
// testbed's VNI. A first vxsnd restores it, resolves every member and saves it at SIGTERM
// (with the next hops); then vxsnd is started again and VTEP 1's tenant pings VTEP 3's
// until the echo comes back: the flood copy to VTEP 3 comes from the restored entry.
// Prints the time to the first answer and vxsnd's own start breakdown. Never asserted.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "host/state/state_file.hpp"
#include "host/state/state_file_io.hpp"
#include "tests/integration/process.hpp"
#include "tests/integration/testbed.hpp"

using namespace vxsn;
using namespace vxsn::test;
using Clock = std::chrono::steady_clock;

namespace {

IpAddr pool_address(uint32_t i) {
  IpAddr a = *IpAddr::parse("10.128.0.0");
  a.bytes[2] = static_cast<uint8_t>(i >> 8);
  a.bytes[3] = static_cast<uint8_t>(i);
  return a;
}

std::string log_line(const std::string& log, const std::string& from) {
  const size_t at = log.find(from);
  return at == std::string::npos ? "(none)" : log.substr(at, log.find('\n', at) - at);
}

std::string start_line(const std::string& log) {
  return log_line(log, "start: ");
}

}  // namespace

int main(int argc, char** argv) {
  if (::geteuid() != 0) {
    std::fprintf(stderr, "bench_restart_first_copy: needs root (network namespaces)\n");
    return 1;
  }
  const uint32_t n = argc > 1 ? static_cast<uint32_t>(std::atoi(argv[1])) : 1u << 20;
  const uint32_t per_vni = 256, pool = 4096, vnis = (n + per_vni - 1) / per_vni;
  Testbed tb({.vteps = 3, .vnis = 1});
  const uint32_t vni = tb.vnis().at(0);
  Tenant t1, t3;
  for (const Tenant& t : tb.tenants_of(vni)) {
    if (t.netns.find("-t1-") != std::string::npos) t1 = t;
    if (t.netns.find("-t3-") != std::string::npos) t3 = t;
  }
  run("ip netns exec " + tb.node_ns() + " ip route add 10.128.0.0/16 via " + tb.vtep_ips()[0]);

  const std::string state_file = "/tmp/" + tb.prefix() + "-bench-state.bin";
  StateContents state;
  const auto expires = Clock::now() + std::chrono::hours(1);
  state.sources.reserve(n + 1);
  state.sources.push_back(
      {vni, *IpAddr::parse(tb.vtep_ips()[2]), EntrySource::kRegistered, 3, expires});
  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t v = 1000000 + i / per_vni;
    state.sources.push_back({v, pool_address((v * 7 + i % per_vni) % pool),
                             EntrySource::kRegistered, 1 + i % per_vni, expires});
  }
  if (auto e = write_file_atomically(state_file, encode_state(state, ClockReading::now()))) {
    std::fprintf(stderr, "%s\n", e->c_str());
    return 1;
  }
  state = {};
  const std::string keys = "state_file = \"" + state_file + "\"\nstate_interval_ms = 3600000\n";
  const std::string table = "[table]\nmax_vnis = 16777216\nmax_entries = 16777216\n";
  NodeOptions options;
  options.extra_config = table;
  options.members = {{vni, {1, 2}}};
  options.node_keys = keys;
  Node node(tb, options);
  // The first start resolves every member (no next hops in the file yet).
  if (!node.wait_ready(std::chrono::minutes(5))) {
    std::fprintf(stderr, "first start not ready:\n%s\n", node.process().log().c_str());
    return 1;
  }
  const std::string first_log = node.process().log();
  node.process().terminate(std::chrono::seconds(60));

  // Permanent neighbours: no ARP, so the echo is VTEP 1's unknown unicast, flooded by the
  // node, and an attempt before the node is up costs 100 ms, not an ARP failure.
  auto mac_of = [](const Tenant& t) {
    return run("ip netns exec " + t.netns + " cat /sys/class/net/eth0/address")
        .output.substr(0, 17);
  };
  run("ip netns exec " + t1.netns + " ip neigh replace " + t3.ip + " lladdr " + mac_of(t3) +
      " nud permanent dev eth0");
  run("ip netns exec " + t3.netns + " ip neigh replace " + t1.ip + " lladdr " + mac_of(t1) +
      " nud permanent dev eth0");
  // One ping process, started before the node: an echo every 10 ms until the first reply,
  // so the figure is the node's, not the cost of starting a probe per attempt.
  ChildProcess pinger({"ip", "netns", "exec", t1.netns, "ping", "-c", "1", "-w", "60", "-i", "0.01",
                       "-W", "1", t3.ip},
                      "/tmp/" + tb.prefix() + "-bench-ping.log");
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // its first echo went unanswered
  const auto t0 = Clock::now();
  node.restart();
  while (pinger.running() && Clock::now() - t0 < std::chrono::seconds(61))
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  const bool answered = pinger.terminate() == 0;
  // The first copy may come from the warm table, before the node logs its start line.
  node.wait_ready(std::chrono::minutes(5));
  std::printf("vxsnd start to first copy, %u entries (%u VNIs x %u from %u VTEP addresses)\n", n,
              vnis, per_vni, pool);
  std::printf("  first start (empty next hops): %s\n", start_line(first_log).c_str());
  std::printf("  restart:                       %s\n", start_line(node.process().log()).c_str());
  std::printf("  warm table:                    %s\n",
              log_line(node.process().log(), "forwarding from").c_str());
  std::printf("  start to first answered ping (copy to the restored member): %s %.0f ms\n",
              answered ? "" : "NOT ANSWERED after", ms);
  node.process().terminate(std::chrono::seconds(60));
  run("rm -f " + state_file + " /tmp/" + tb.prefix() + "-bench-ping.log");
  return answered ? 0 : 1;
}
