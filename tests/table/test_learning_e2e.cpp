// Learning end to end on the testbed: real Linux VTEPs (nolearning, every BUM and unknown
// unicast to the service node) and vxsnd. VTEP 3 is not configured in the first VNI; once
// it sends a flood there it becomes a learned member and receives that VNI's floods, and
// after the learn holdtime without its traffic it stops receiving them.
#include <gtest/gtest.h>

#include "tests/integration/testbed.hpp"

namespace vxsn::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* kFastAgeing = "[table]\nlearn_holdtime_s = 3\nageing_interval_ms = 200\n";

struct LearningBed {
  Testbed tb;
  uint32_t vni_a = 0;
  uint32_t vni_b = 0;
  Tenant t1, t3;  // tenants of VNI A on VTEPs 1 and 3

  LearningBed() {
    vni_a = tb.vnis().at(0);
    vni_b = tb.vnis().at(1);
    for (const Tenant& t : tb.tenants_of(vni_a)) {
      if (t.netns.find("-t1-") != std::string::npos) t1 = t;
      if (t.netns.find("-t3-") != std::string::npos) t3 = t;
    }
  }
  // VTEP 3 is configured in VNI B only.
  NodeOptions options(const std::string& extra) const {
    NodeOptions o;
    o.extra_config = extra;
    o.members = {{vni_a, {1, 2}}, {vni_b, {1, 2, 3}}};
    return o;
  }
};

uint64_t control(const nlohmann::json& stats, const char* key) {
  if (!stats.contains("control") || !stats["control"].contains(key)) return 0;
  return stats["control"][key].get<uint64_t>();
}

int members(const nlohmann::json& stats) {
  return stats.contains("table") ? stats["table"]["members"].get<int>() : -1;
}

void learns_then_ages_out(const std::string& extra_config) {
  LearningBed bed;
  ASSERT_FALSE(bed.t1.netns.empty());
  ASSERT_FALSE(bed.t3.netns.empty());
  Node node(bed.tb, bed.options(extra_config));
  ASSERT_TRUE(node.wait_ready()) << node.process().log();
  EXPECT_EQ(members(node.stats()), 5);

  // Not a member: VTEP 1's floods in VNI A do not reach VTEP 3.
  EXPECT_FALSE(bed.tb.ping(bed.t1, bed.t3, 56, false, 1));
  EXPECT_EQ(control(node.fresh_stats(), "learned"), 0u);

  // VTEP 3 floods (its tenant's ARP request): learned, and from then on it gets VNI A's
  // floods, the ARP reply among them.
  EXPECT_TRUE(bed.tb.ping(bed.t3, bed.t1, 56, false, 5)) << node.process().log();
  auto stats = node.fresh_stats();
  EXPECT_EQ(control(stats, "learned"), 1u) << stats.dump();
  EXPECT_EQ(members(stats), 6) << stats.dump();
  EXPECT_TRUE(bed.tb.ping(bed.t1, bed.t3, 56, false, 3)) << node.process().log();

  // Silence from VTEP 3 in VNI A: the entry expires at the learn holdtime (3 s).
  EXPECT_TRUE(wait_until(
      [&] {
        auto s = node.stats();
        return control(s, "expired") >= 1 && members(s) == 5;
      },
      15s))
      << node.stats().dump();
  EXPECT_FALSE(bed.tb.ping(bed.t1, bed.t3, 56, false, 2)) << "floods still reach VTEP 3";
  EXPECT_EQ(node.process().terminate(), 0) << node.process().log();
}

TEST(LearningEndToEnd, SoftwareDatapathLearnsAndAgesOut) {
  learns_then_ages_out(kFastAgeing);
}

TEST(LearningEndToEnd, EmulatedCardLearnsAndAgesOut) {
  learns_then_ages_out(std::string("[datapath]\nmode = \"emu\"\n") + kFastAgeing);
}

TEST(LearningEndToEnd, LearningOffForAVniRangeLearnsNothingThere) {
  LearningBed bed;
  Node node(bed.tb, bed.options(std::string(kFastAgeing) + "[[learning]]\nvnis = \"" +
                                std::to_string(bed.vni_a) + "-" + std::to_string(bed.vni_a) +
                                "\"\nenabled = false\n"));
  ASSERT_TRUE(node.wait_ready()) << node.process().log();
  // VTEP 3's flood still reaches the members, but the reply never comes back to it.
  EXPECT_FALSE(bed.tb.ping(bed.t3, bed.t1, 56, false, 2));
  auto stats = node.fresh_stats();
  EXPECT_EQ(control(stats, "learned"), 0u) << stats.dump();
  EXPECT_GE(control(stats, "learn_disabled"), 1u) << stats.dump();
  EXPECT_EQ(members(stats), 5);
  EXPECT_EQ(node.process().terminate(), 0) << node.process().log();
}

}  // namespace
}  // namespace vxsn::test
