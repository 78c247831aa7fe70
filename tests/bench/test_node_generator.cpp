// bench_node_gen against vxsnd's memif port (the node-only benchmark's set-up): at a low
// rate every frame the generator sends reaches vxsnd, and vxsnd's copies come back on the
// same port, fan-out times each, counted by the generator and by vxsnd alike. Frames go
// to 4 VNIs from 4 flows each over 2 memif queues, one per vxsnd lane.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>

#include "tests/bench/e2e_sink.hpp"
#include "tests/bench/memif_link.hpp"
#include "tests/bench/node_gen_client.hpp"
#include "tests/integration/testbed.hpp"

namespace vxsn::test {
namespace {

constexpr int kFanout = 3;
constexpr int kVnis = 4;
constexpr uint32_t kVniBase = 7000;

uint64_t counter(const nlohmann::json& stats, const char* key) {
  return stats.value(key, 0ull);
}

TEST(NodeGenerator, EveryFrameComesBackFanoutTimesOverMemif) {
  if (::geteuid() != 0) GTEST_SKIP() << "namespaces and vxsnd's DPDK port need root";
  Testbed tb(TestbedOptions{.vteps = 1, .vnis = 1, .jumbo = false});
  MemberSink sink(tb, kFanout);  // the members answer ARP, so vxsnd resolves them
  MemifLink link(tb.prefix(), 12, "02:99:00:00:00:fe");

  NodeOptions o;
  o.extra_config =
      "[datapath]\nlcores = 2\n" + link.eal_args_toml() + "\n[table]\nlearning = false\n";
  o.port_device = link.server_device();
  for (uint32_t v = 0; v < kVnis; ++v) {
    auto& members = o.member_addresses[kVniBase + v];
    members.push_back(tb.vtep_ips()[0]);  // the sender: split horizon, no copy
    for (int i = 0; i < kFanout; ++i) members.push_back(sink.addresses()[i]);
  }
  Node node(tb, o);
  ASSERT_TRUE(node.wait_ready(std::chrono::seconds(60))) << node.process().log();

  GenSetup g;
  g.netns = tb.node_ns();
  g.file_prefix = tb.prefix() + "-gen";
  g.vdev = link.client_device();
  g.dst_mac = "02:99:00:00:00:fe";
  g.src_mac = "02:99:00:00:00:01";
  g.src_ip = tb.vtep_ips()[0];
  g.dst_ip = tb.service_ip();
  g.vnis = kVnis;
  g.queues = 2;
  GenClient gen(g);

  const nlohmann::json before = node.fresh_stats();
  const GenTrial t = gen.run(2000, 0.5, kVniBase);
  const nlohmann::json after = node.fresh_stats();

  EXPECT_GT(t.sent, 500u);
  EXPECT_EQ(t.refused, 0u);
  EXPECT_EQ(t.received, t.sent * kFanout);
  EXPECT_EQ(counter(after, "rx_frames") - counter(before, "rx_frames"), t.sent);
  EXPECT_EQ(counter(after, "tx_copies") - counter(before, "tx_copies"), t.sent * kFanout);
  // Both lanes got frames: the generator's flows are spread over the two memif queues.
  ASSERT_TRUE(after.contains("lcores")) << after.dump();
  ASSERT_EQ(after["lcores"].size(), 2u);
  for (const auto& lane : after["lcores"]) EXPECT_GT(lane.value("rx_frames", 0ull), 0u);
}

}  // namespace
}  // namespace vxsn::test
