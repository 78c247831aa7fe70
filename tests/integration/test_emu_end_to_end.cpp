// vxsnd with `--datapath emu` (config `[datapath] mode = "emu"`): the same DPDK ports as the
// software datapath, but every frame goes through the card's kernels compiled for the CPU.
// Real Linux VTEPs in network namespaces (sim/testbed.sh) flood through it.
#include <gtest/gtest.h>

#include "tests/integration/testbed.hpp"

namespace vxsn::test {
namespace {

NodeOptions emu_node() {
  NodeOptions o;
  o.extra_config = "[datapath]\nmode = \"emu\"\n";
  return o;
}

// Tenants resolve each other's MAC by ARP broadcast, so a tenant answering a ping means
// its VTEP's flood crossed the emulated card.
TEST(EmuEndToEnd, TenantsReachEachOtherThroughTheEmulatedCard) {
  Testbed tb;
  for (uint32_t vni : tb.vnis()) {
    auto tenants = tb.tenants_of(vni);
    EXPECT_FALSE(tb.ping(tenants[0], tenants[1])) << "reachable without a service node";
  }

  Node node(tb, emu_node());
  ASSERT_TRUE(node.wait_ready()) << node.process().log();
  for (uint32_t vni : tb.vnis()) {
    auto tenants = tb.tenants_of(vni);
    for (size_t i = 1; i < tenants.size(); ++i)
      EXPECT_TRUE(tb.ping(tenants[0], tenants[i], 56, false, 3))
          << tenants[0].netns << " -> " << tenants[i].ip << "\n"
          << node.process().log();
  }

  auto stats = node.fresh_stats();
  EXPECT_EQ(stats["datapath"], "emu") << stats.dump();
  ASSERT_TRUE(stats.contains("card")) << stats.dump();
  EXPECT_EQ(stats["card"]["backend"], "emu");
  EXPECT_EQ(stats["card"]["vnis"].get<uint64_t>(), tb.vnis().size());
  EXPECT_EQ(stats["card"]["members"].get<uint64_t>(), tb.vnis().size() * tb.vtep_ips().size());
  EXPECT_GE(stats["card"]["tables_loaded"].get<uint64_t>(), 1u);
  uint64_t frames = 0, copies = 0;
  for (uint32_t vni : tb.vnis()) {
    auto v = stats["vnis"][std::to_string(vni)];
    ASSERT_TRUE(v.is_object()) << vni << " " << stats.dump();
    EXPECT_GT(v["frames_in"].get<uint64_t>(), 0u) << vni << " " << stats.dump();
    // Every flood of 3 VTEPs becomes 2 copies (split horizon).
    EXPECT_EQ(v["copies_out"].get<uint64_t>(), 2 * v["frames_in"].get<uint64_t>()) << vni;
    EXPECT_GT(v["bytes_out"].get<uint64_t>(), 0u) << vni;
    frames += v["frames_in"].get<uint64_t>();
    copies += v["copies_out"].get<uint64_t>();
  }
  EXPECT_GE(stats["rx_frames"].get<uint64_t>(), frames);
  EXPECT_EQ(stats["tx_copies"].get<uint64_t>(), copies);
  EXPECT_EQ(node.process().terminate(), 0) << node.process().log();
}

}  // namespace
}  // namespace vxsn::test
