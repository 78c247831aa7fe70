// judge_health_sample: every reason a node must not be announced, and the healthy case.
#include <gtest/gtest.h>

#include "host/health/health_verdict.hpp"

namespace vxsn {
namespace {

constexpr int64_t kNow = 1764115818500;
const HealthLimits kLimits{.stale_ms = 300};

bool always_alive(pid_t) {
  return true;
}

std::string sample(bool healthy, const std::string& reason, int pid, int64_t unix_ms) {
  return std::string("{\"healthy\":") + (healthy ? "true" : "false") + ",\"reason\":\"" + reason +
         "\",\"pid\":" + std::to_string(pid) + ",\"unix_ms\":" + std::to_string(unix_ms) +
         ",\"datapath\":\"software\"}\n";
}

TEST(HealthFileVerdict, FreshHealthySampleOfALiveProcessIsGood) {
  HealthFileVerdict v =
      judge_health_sample(sample(true, "ok", 1234, kNow - 100), kNow, kLimits, always_alive);
  EXPECT_TRUE(v.good);
  EXPECT_EQ(v.reason, "ok");
}

TEST(HealthFileVerdict, MissingFileIsDown) {
  HealthFileVerdict v = judge_health_sample(std::nullopt, kNow, kLimits, always_alive);
  EXPECT_FALSE(v.good);
  EXPECT_EQ(v.reason, "file_missing");
}

TEST(HealthFileVerdict, UnparsableTextIsDown) {
  for (std::string text :
       {"", "{\"healthy\":tr", "not json", "[1,2,3]", "{}",
        "{\"healthy\":\"yes\",\"pid\":1,\"unix_ms\":1764115818400}",
        "{\"healthy\":true,\"unix_ms\":1764115818400}", "{\"healthy\":true,\"pid\":1}"}) {
    HealthFileVerdict v = judge_health_sample(text, kNow, kLimits, always_alive);
    EXPECT_FALSE(v.good) << text;
    EXPECT_EQ(v.reason, "unparsable") << text;
  }
}

TEST(HealthFileVerdict, SampleOlderThanTheLimitIsStale) {
  HealthFileVerdict v =
      judge_health_sample(sample(true, "ok", 1234, kNow - 301), kNow, kLimits, always_alive);
  EXPECT_FALSE(v.good);
  EXPECT_EQ(v.reason, "stale (301 ms old)");
}

TEST(HealthFileVerdict, SampleExactlyAtTheLimitIsStillFresh) {
  HealthFileVerdict v =
      judge_health_sample(sample(true, "ok", 1234, kNow - 300), kNow, kLimits, always_alive);
  EXPECT_TRUE(v.good);
}

TEST(HealthFileVerdict, DeadWriterIsDownAndTheProbeGetsThePidFromTheFile) {
  pid_t asked = 0;
  auto dead = [&](pid_t pid) {
    asked = pid;
    return false;
  };
  HealthFileVerdict v = judge_health_sample(sample(true, "ok", 4321, kNow), kNow, kLimits, dead);
  EXPECT_FALSE(v.good);
  EXPECT_EQ(v.reason, "pid_dead (4321)");
  EXPECT_EQ(asked, 4321);
}

TEST(HealthFileVerdict, NonPositivePidIsDead) {
  HealthFileVerdict v =
      judge_health_sample(sample(true, "ok", 0, kNow), kNow, kLimits, always_alive);
  EXPECT_FALSE(v.good);
  EXPECT_EQ(v.reason, "pid_dead (0)");
}

TEST(HealthFileVerdict, WriterSaysUnhealthyWithItsReason) {
  for (std::string reason : {"datapath_stalled", "port_down", "draining"}) {
    HealthFileVerdict v =
        judge_health_sample(sample(false, reason, 1234, kNow), kNow, kLimits, always_alive);
    EXPECT_FALSE(v.good);
    EXPECT_EQ(v.reason, "unhealthy (" + reason + ")");
  }
}

TEST(HealthFileVerdict, StaleBeatsAHealthyClaim) {
  // A hung vxsnd's last word was "healthy": the age must still take it down.
  HealthFileVerdict v =
      judge_health_sample(sample(true, "ok", 1234, kNow - 5000), kNow, kLimits, always_alive);
  EXPECT_FALSE(v.good);
  EXPECT_EQ(v.reason, "stale (5000 ms old)");
}

}  // namespace
}  // namespace vxsn
