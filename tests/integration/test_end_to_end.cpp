// vxsnd carrying real Linux VTEPs' floods, in network namespaces built by sim/testbed.sh.
#include <gtest/gtest.h>
#include <signal.h>

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
  ASSERT_TRUE(wait_until([&] { return node.stats()["tx_copies"].get<uint64_t>() > 0; }, 5s));
  auto stats = node.stats();
  for (uint32_t vni : tb.vnis()) {
    auto v = stats["vnis"][std::to_string(vni)];
    EXPECT_GT(v["frames_in"].get<uint64_t>(), 0u) << vni << " " << stats.dump();
    // Every flood of 3 VTEPs becomes 2 copies (split horizon).
    EXPECT_EQ(v["copies_out"].get<uint64_t>(), 2 * v["frames_in"].get<uint64_t>()) << vni;
  }
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
  auto stats = node.stats();
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
