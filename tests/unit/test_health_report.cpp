// The daemon's own health verdict, which the anycast announcer acts on.
#include "host/daemon/health_report.hpp"
#include "host/health/health_verdict.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace vxsn {
namespace {

using namespace std::chrono_literals;
using Clock = DatapathHealth::Clock;

TEST(DatapathHealth, TurningLoopIsHealthy) {
  DatapathHealth h(500ms);
  const Clock::time_point t0 = Clock::now();
  EXPECT_TRUE(h.judge(10, {}, false, t0).healthy);
  HealthVerdict v = h.judge(11, {}, false, t0 + 2s);
  EXPECT_TRUE(v.healthy);
  EXPECT_EQ(v.reason, "ok");
}

TEST(DatapathHealth, LoopThatStopsTurningIsStalledAfterTheLimitOnly) {
  DatapathHealth h(500ms);
  const Clock::time_point t0 = Clock::now();
  h.judge(10, {}, false, t0);
  EXPECT_TRUE(h.judge(10, {}, false, t0 + 500ms).healthy);
  HealthVerdict v = h.judge(10, {}, false, t0 + 501ms);
  EXPECT_FALSE(v.healthy);
  EXPECT_EQ(v.reason, "datapath_stalled");
  EXPECT_TRUE(h.judge(11, {}, false, t0 + 600ms).healthy) << "recovers when it turns again";
}

TEST(DatapathHealth, PortDownAndDrainingAreUnhealthy) {
  DatapathHealth h(500ms);
  const Clock::time_point t0 = Clock::now();
  EXPECT_EQ(h.judge(1, {"sn0"}, false, t0).reason, "port_down");
  EXPECT_EQ(h.judge(2, {}, true, t0).reason, "draining");
  EXPECT_FALSE(h.judge(3, {}, true, t0).healthy);
}

TEST(KernelLink, MissingInterfaceCountsAsDown) {
  EXPECT_TRUE(kernel_link_down("vxsn-no-such-if"));
  EXPECT_FALSE(kernel_link_down("lo")) << "loopback reports \"unknown\", which is up";
}

TEST(HealthLine, IsOneLineOfJsonWithEveryField) {
  const std::string line = health_line(false, "port_down", 4242, 1764115818123, "emu");
  ASSERT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["healthy"], false);
  EXPECT_EQ(j["reason"], "port_down");
  EXPECT_EQ(j["pid"], 4242);
  EXPECT_EQ(j["unix_ms"], 1764115818123);
  EXPECT_EQ(j["datapath"], "emu");
}

}  // namespace
}  // namespace vxsn
