// vxsnd carrying real Linux VTEPs' floods, in network namespaces built by sim/testbed.sh.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <fstream>

#include "tests/integration/testbed.hpp"

namespace vxsn::test {
namespace {

using namespace std::chrono_literals;

// Tenants resolve each other's MAC by ARP broadcast; without a service node those
// broadcasts go nowhere. So a tenant answering a ping means its VTEP's flood crossed vxsnd.
TEST(EndToEnd, TenantsOfOneVniReachEachOtherOnlyThroughVxsnd) {
  Testbed tb;
  for (uint32_t vni : tb.vnis()) {
    auto tenants = tb.tenants_of(vni);
    EXPECT_FALSE(tb.ping(tenants[0], tenants[1])) << "reachable without a service node";
  }

  Node node(tb);
  ASSERT_TRUE(node.wait_ready()) << node.process().log();
  for (uint32_t vni : tb.vnis()) {
    auto tenants = tb.tenants_of(vni);
    for (size_t i = 1; i < tenants.size(); ++i)
      EXPECT_TRUE(tb.ping(tenants[0], tenants[i], 56, false, 3))
          << tenants[0].netns << " -> " << tenants[i].ip << "\n"
          << node.process().log();
  }
  auto stats = node.fresh_stats();
  for (uint32_t vni : tb.vnis()) {
    auto v = stats["vnis"][std::to_string(vni)];
    EXPECT_GT(v["frames_in"].get<uint64_t>(), 0u) << vni << " " << stats.dump();
    // Every flood of 3 VTEPs becomes 2 copies (split horizon).
    EXPECT_EQ(v["copies_out"].get<uint64_t>(), 2 * v["frames_in"].get<uint64_t>()) << vni;
  }
  // The AF_XDP port's steering was the XDP program, which counted the floods on its rule.
  const nlohmann::json& port = stats["steering"]["ports"][0];
  EXPECT_EQ(port["enforcer"], "xdp") << stats["steering"].dump();
  EXPECT_GT(port["rule_hits"].value("vxlan " + tb.service_ip(), uint64_t{0}), 0u)
      << stats["steering"].dump();
  // The lanes trusted the program: no second classification of what it redirected.
  EXPECT_EQ(stats["steering"]["software_rule_hits"].value("vxlan " + tb.service_ip(), uint64_t{0}),
            0u)
      << stats["steering"].dump();
  EXPECT_NE(node.process().log().find("steering enforced by xdp"), std::string::npos);
  EXPECT_EQ(node.process().terminate(), 0) << node.process().log();
}

// A broadcast in one VNI must never reach a tenant of another VNI. Tenant subnets differ
// per VNI, so a leaked ARP request would show up in a capture filtered on the sender.
TEST(EndToEnd, VnisAreIsolated) {
  Testbed tb;
  Node node(tb);
  ASSERT_TRUE(node.wait_ready()) << node.process().log();
  auto vnis = tb.vnis();
  auto a = tb.tenants_of(vnis[0]);
  auto b = tb.tenants_of(vnis[1]);
  // Capture everything arriving at a tenant of the second VNI while the first VNI floods.
  std::string pcap = "/tmp/" + tb.prefix() + "-iso.pcap";
  ChildProcess capture({"ip", "netns", "exec", b[0].netns, "tcpdump", "-n", "-i", "eth0", "-w",
                        pcap, "-U", "arp or icmp"},
                       "/tmp/" + tb.prefix() + "-tcpdump.log");
  ASSERT_TRUE(wait_until([&] { return capture.log().find("listening") != std::string::npos; }, 5s));
  for (size_t i = 1; i < a.size(); ++i) EXPECT_TRUE(tb.ping(a[0], a[i], 56, false, 3));
  // The arping broadcasts a fresh request each time, even with a warm ARP cache.
  run("ip netns exec " + a[0].netns + " arping -c 3 -w 2 -I eth0 " + a[1].ip);
  capture.terminate();
  CommandResult seen = run("tcpdump -n -r " + pcap + " host " + a[0].ip + " or host " + a[1].ip);
  EXPECT_EQ(seen.output.find(a[0].ip + " "), std::string::npos) << seen.output;
  auto stats = node.fresh_stats();
  EXPECT_GT(stats["vnis"][std::to_string(vnis[0])]["frames_in"].get<uint64_t>(), 0u);
  run("rm -f " + pcap);
}

TEST(EndToEnd, SigtermDrainsExitsAndDetachesXdp) {
  Testbed tb;
  {
    Node node(tb);
    ASSERT_TRUE(node.wait_ready()) << node.process().log();
    EXPECT_EQ(node.process().terminate(), 0) << node.process().log();
    EXPECT_NE(node.process().log().find("final counters"), std::string::npos);
  }
  CommandResult link = run("ip -n " + tb.node_ns() + " link show " + tb.node_if());
  EXPECT_EQ(link.output.find("xdp"), std::string::npos) << link.output;
  // A second daemon starts cleanly on the same interface.
  Node again(tb);
  EXPECT_TRUE(again.wait_ready()) << again.process().log();
}

TEST(EndToEnd, RestartAfterKillMinus9) {
  Testbed tb;
  {
    Node node(tb);
    ASSERT_TRUE(node.wait_ready()) << node.process().log();
    node.process().signal(SIGKILL);
    ASSERT_TRUE(wait_until([&] { return !node.process().running(); }, 5s));
  }
  // The XDP program a killed daemon left attached must not stop the next one.
  Node again(tb);
  ASSERT_TRUE(again.wait_ready()) << again.process().log();
  auto a = tb.tenants_of(tb.vnis()[0]);
  EXPECT_TRUE(tb.ping(a[0], a[1], 56, false, 3)) << again.process().log();
}

}  // namespace
}  // namespace vxsn::test

namespace vxsn::test {
namespace {

using namespace std::chrono_literals;

uint64_t counter(const nlohmann::json& stats, const std::string& key) {
  return stats.contains(key) ? stats[key].get<uint64_t>() : 0;
}

// 9000-byte tenant MTU over a 9050-byte underlay: AF_PACKET with 16 kB frames carries the
// 9064-byte VXLAN frames whole; nftables keeps the kernel from answering them with ICMP.
TEST(EndToEnd, JumboPingsCrossTheNodeWhole) {
  Testbed tb({.vteps = 3, .vnis = 1, .jumbo = true});
  ASSERT_EQ(run("ip netns exec " + tb.node_ns() +
                " sh -c 'nft add table inet vxsn && nft add chain inet vxsn input "
                "\"{ type filter hook input priority 0; }\" && "
                "nft add rule inet vxsn input udp dport 4789 drop'")
                .exit_code,
            0);
  Node node(tb, {.port_device = "net_af_packet0,iface=" + tb.node_if() +
                                ",blocksz=16384,framesz=16384,framecnt=256"});
  ASSERT_TRUE(node.wait_ready()) << node.process().log();
  auto t = tb.tenants_of(tb.vnis()[0]);
  // 8972 bytes of ICMP payload + 28 = a 9000-byte IP packet, do not fragment.
  EXPECT_TRUE(tb.ping(t[0], t[1], 8972, true, 5)) << node.process().log();
  EXPECT_TRUE(tb.ping(t[2], t[0], 8972, true, 5)) << node.process().log();
  // One byte more does not fit the tenant MTU: the tenant itself refuses it.
  EXPECT_FALSE(tb.ping(t[0], t[1], 8973, true, 1));
  auto stats = node.fresh_stats();
  EXPECT_EQ(stats["drops"]["frame_too_large"].get<uint64_t>(), 0u);
  EXPECT_GT(counter(stats, "tx_copies"), 0u);
  // ARP and other host traffic reached the PMD too, and was left to the kernel.
  EXPECT_EQ(stats["drops"]["unknown_ethertype"].get<uint64_t>(), 0u);
  // af_packet has no rte_flow: the software classifier enforced the policy and counted.
  EXPECT_EQ(stats["steering"]["ports"][0]["enforcer"], "software") << stats["steering"].dump();
  EXPECT_GT(stats["steering"]["software_rule_hits"].value("vxlan " + tb.service_ip(), uint64_t{0}),
            0u);
  EXPECT_GT(stats["steering"]["software_rule_hits"].value("arp", uint64_t{0}), 0u);
}

// A copy larger than its egress port can carry is a counted drop, never a truncated frame.
// The port is limited to 1200-byte frames here; the underlay carries 1500.
TEST(EndToEnd, OversizedCopiesAreCountedNeverTruncated) {
  Testbed tb({.vteps = 2, .vnis = 1});
  Node node(tb, {.max_frame_len = 1200});
  ASSERT_TRUE(node.wait_ready()) << node.process().log();
  EXPECT_NE(node.process().log().find("carries frames up to 1200"), std::string::npos)
      << node.process().log();
  auto t = tb.tenants_of(tb.vnis()[0]);
  ASSERT_TRUE(tb.ping(t[0], t[1], 56, true, 3));  // ARP resolved, small frames cross
  std::string pcap = "/tmp/" + tb.prefix() + "-big.pcap";
  ChildProcess capture({"ip", "netns", "exec", tb.vtep_ns(2), "tcpdump", "-n", "-i", "ul0", "-w",
                        pcap, "-U", "udp port 4789 and greater 1201"},
                       "/tmp/" + tb.prefix() + "-tcpdump.log");
  ASSERT_TRUE(wait_until([&] { return capture.log().find("listening") != std::string::npos; }, 5s));
  // 1300 + 28 + 14 inner, + 50 outer = a 1392-byte frame: too large for the port.
  EXPECT_FALSE(tb.ping(t[0], t[1], 1300, true, 2));
  capture.terminate();
  auto stats = node.fresh_stats();
  EXPECT_GT(stats["drops"]["frame_too_large"].get<uint64_t>(), 0u) << stats.dump();
  CommandResult seen = run("tcpdump -n -r " + pcap + " 2>/dev/null | wc -l");
  EXPECT_EQ(std::stoi(seen.output), 0) << "a frame over 1200 bytes left the node";
  run("rm -f " + pcap);
  EXPECT_TRUE(tb.ping(t[0], t[1], 1000, true, 3)) << "frames that fit still cross";
}

// Garbage at the service address is counted by reason and never forwarded; real floods
// keep working, and the host keeps its own traffic (ping to the node's address).
TEST(EndToEnd, MalformedStormIsCountedDroppedAndFloodingGoesOn) {
  Testbed tb;
  // The default configuration, learning on: learning never creates VNI 999 however long
  // the storm lasts (it once did, and the node then replicated the rest of the storm).
  Node node(tb);
  ASSERT_TRUE(node.wait_ready()) << node.process().log();
  // 200 datagrams of each kind, sent from a VTEP's namespace to the VXLAN port.
  std::string script = R"PY(
import os, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
dst = (sys.argv[1], 4789)
inner = bytes.fromhex('ffffffffffff020000000001') + b'\x08\x06' + bytes(28)
for i in range(200):
    s.sendto(b'\x08\x00', dst)                                           # shorter than VXLAN
    s.sendto(b'\x00\x00\x00\x00\x00\x00\x64\x00' + inner, dst)           # I flag clear
    s.sendto(b'\x08\x00\x00\x00\x00\x03\xe7\x00' + inner, dst)           # VNI 999: unknown
    s.sendto(b'\x08\x00\x00\x00\x00\x00\x64\x00' + b'\x01\x02\x03', dst) # inner runt
    s.sendto(b'\x00' + os.urandom(63), dst)                              # garbage, flags clear
)PY";
  std::string py = "/tmp/" + tb.prefix() + "-storm.py";
  std::ofstream(py) << script;
  ASSERT_EQ(
      run("ip netns exec " + tb.vtep_ns(1) + " python3 " + py + " " + tb.service_ip()).exit_code,
      0);
  run("rm -f " + py);
  ASSERT_TRUE(wait_until([&] { return node.drop_count("inner_too_short") >= 200; }, 5s))
      << node.stats().dump();
  auto stats = node.fresh_stats();
  EXPECT_EQ(node.drop_count("udp_bad_length"), 200u);
  EXPECT_EQ(node.drop_count("vxlan_bad_flags"), 400u);
  EXPECT_EQ(node.drop_count("unknown_vni"), 200u);
  EXPECT_EQ(node.drop_count("inner_too_short"), 200u);
  EXPECT_EQ(counter(stats, "tx_copies"), 0u) << "malformed frames were forwarded";
  EXPECT_FALSE(stats["vnis"].contains("999")) << stats.dump();
  EXPECT_EQ(node.process().log().find("learned: VNI 999"), std::string::npos)
      << node.process().log();

  EXPECT_TRUE(node.process().running());
  auto t = tb.tenants_of(tb.vnis()[0]);
  EXPECT_TRUE(tb.ping(t[0], t[1], 56, false, 3)) << node.process().log();
  Tenant vtep{tb.vtep_ns(2), 0, tb.service_ip()};
  EXPECT_TRUE(tb.ping(vtep, vtep, 56, false, 3)) << "the host lost its own traffic";
}

// SIGHUP applies a new membership without a restart, and a broken file keeps the old table.
TEST(EndToEnd, ReloadAppliesNewTableAndRefusesABadFile) {
  Testbed tb({.vteps = 3, .vnis = 1});
  uint32_t vni = tb.vnis()[0];
  Node node(tb, {.members = {{vni, {1, 2}}}});
  ASSERT_TRUE(node.wait_ready()) << node.process().log();
  auto t = tb.tenants_of(vni);
  EXPECT_TRUE(tb.ping(t[0], t[1], 56, false, 3));
  EXPECT_FALSE(tb.ping(t[0], t[2], 56, false, 2)) << "VTEP 3 is not a member yet";

  uint64_t generation = node.stats()["table"]["generation"].get<uint64_t>();
  node.write_config(node.config_text({{vni, {1, 2, 3}}}));
  node.process().signal(SIGHUP);
  ASSERT_TRUE(wait_until(
      [&] { return node.stats()["table"]["generation"].get<uint64_t>() > generation; }, 5s));
  ASSERT_TRUE(node.wait_ready());
  EXPECT_TRUE(tb.ping(t[0], t[2], 56, false, 5)) << node.process().log();

  generation = node.stats()["table"]["generation"].get<uint64_t>();
  node.write_config("[node]\nttl = 999\n");
  node.process().signal(SIGHUP);
  ASSERT_TRUE(wait_until(
      [&] { return node.process().log().find("reload refused") != std::string::npos; }, 5s));
  EXPECT_NE(node.process().log().find("node.ttl"), std::string::npos) << node.process().log();
  EXPECT_TRUE(node.process().running());
  EXPECT_EQ(node.stats()["table"]["generation"].get<uint64_t>(), generation);
  EXPECT_TRUE(tb.ping(t[2], t[1], 56, false, 5)) << "the running table was lost";
}

// A broken config file stops vxsnd at start with the file, line and key named.
TEST(Vxsnd, BadConfigNamesFileLineAndKeyAndExitsNonZero) {
  std::string path = "/tmp/vxsnd-bad-" + std::to_string(::getpid()) + ".toml";
  std::ofstream(path) << "[node]\nservice_addresses = [\"10.0.0.1\"]\nttl = 0\n"
                         "[[port]]\ndevice = \"net_ring0\"\n";
  CommandResult r = run(binary("host/daemon/vxsnd") + " --config " + path);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find(path + ":3: node.ttl"), std::string::npos) << r.output;
  CommandResult ok =
      run(binary("host/daemon/vxsnd") + " --config " + path + " --ttl 9 --check-config");
  EXPECT_NE(ok.output.find(path + ":3: node.ttl"), std::string::npos)
      << "the file is checked before flags override it: " << ok.output;
  ::unlink(path.c_str());
}

}  // namespace
}  // namespace vxsn::test
