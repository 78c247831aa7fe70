// Fast restart on the testbed: vxsnd with a state file learns VTEP 3 in VNI A, is stopped
// with SIGTERM (which saves the file) and started again. The learned entry is back in the
// first table, before any new learn event, and VNI A's floods reach VTEP 3 at once. A
// corrupt file is then logged with its reason and ignored: the daemon starts empty.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/integration/testbed.hpp"

namespace vxsn::test {
namespace {

using namespace std::chrono_literals;

uint64_t control(const nlohmann::json& stats, const char* key) {
  if (!stats.contains("control") || !stats["control"].contains(key)) return 0;
  return stats["control"][key].get<uint64_t>();
}

int members(const nlohmann::json& stats) {
  return stats.contains("table") ? stats["table"]["members"].get<int>() : -1;
}

TEST(StateRestart, LearnedEntryIsBackBeforeAnyLearnAndReceivesFloods) {
  Testbed tb;
  const uint32_t vni_a = tb.vnis().at(0), vni_b = tb.vnis().at(1);
  Tenant t1, t3;
  for (const Tenant& t : tb.tenants_of(vni_a)) {
    if (t.netns.find("-t1-") != std::string::npos) t1 = t;
    if (t.netns.find("-t3-") != std::string::npos) t3 = t;
  }
  ASSERT_FALSE(t1.netns.empty());
  ASSERT_FALSE(t3.netns.empty());
  const std::string state_file = "/tmp/" + tb.prefix() + "-state.bin";
  Node node(tb, {.members = {{vni_a, {1, 2}}, {vni_b, {1, 2, 3}}},
                 .node_keys = "state_file = \"" + state_file + "\"\nstate_interval_ms = 600000\n"});
  ASSERT_TRUE(node.wait_ready()) << node.process().log();
  EXPECT_EQ(members(node.stats()), 5);

  // VTEP 3 floods in VNI A: learned.
  ASSERT_TRUE(tb.ping(t3, t1, 56, false, 5)) << node.process().log();
  auto stats = node.fresh_stats();
  ASSERT_EQ(control(stats, "learned"), 1u) << stats.dump();
  ASSERT_EQ(members(stats), 6);

  ASSERT_EQ(node.process().terminate(), 0) << node.process().log();
  ASSERT_TRUE(std::filesystem::exists(state_file)) << node.process().log();

  node.restart();
  ASSERT_TRUE(node.wait_ready()) << node.process().log();
  stats = node.stats();
  // In the first table, and not learned anew: restored.
  EXPECT_EQ(members(stats), 6) << stats.dump();
  EXPECT_EQ(control(stats, "learned"), 0u) << stats.dump();
  EXPECT_EQ(stats["state_file"]["restored"].get<int>(), 1) << stats.dump();
  EXPECT_EQ(stats["control"]["by_source"]["learned"].get<int>(), 1) << stats.dump();
  // Forwarding began from the warm table (the static members and the restored one), before
  // the table manager had its entries back.
  EXPECT_EQ(stats["state_file"]["warm_members"].get<int>(), 6) << stats.dump();
  EXPECT_NE(node.process().log().find("forwarding from the state file's warm table"),
            std::string::npos)
      << node.process().log();
  // VTEP 1's flood in VNI A is replicated to VTEP 3: its tenant answers.
  EXPECT_TRUE(tb.ping(t1, t3, 56, false, 3)) << node.process().log();
  EXPECT_NE(node.process().log().find("start: "), std::string::npos) << node.process().log();

  // A corrupt file: the reason is logged, the daemon starts with the static members only.
  ASSERT_EQ(node.process().terminate(), 0) << node.process().log();
  std::ofstream(state_file, std::ios::trunc) << "VXSNSTAT but then nothing sensible";
  node.restart();
  ASSERT_TRUE(node.wait_ready()) << node.process().log();
  stats = node.stats();
  EXPECT_EQ(members(stats), 5) << stats.dump();
  EXPECT_NE(stats["state_file"]["restore_error"].get<std::string>().find("truncated"),
            std::string::npos)
      << stats.dump();
  EXPECT_NE(node.process().log().find("state file not used"), std::string::npos)
      << node.process().log();
  EXPECT_EQ(stats["state_file"]["warm_members"].get<int>(), 0) << stats.dump();
  EXPECT_EQ(node.process().terminate(), 0) << node.process().log();
  std::filesystem::remove(state_file);
}

}  // namespace
}  // namespace vxsn::test
