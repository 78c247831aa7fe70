// HealthHysteresis: down on the first bad sample, up after `rise` good ones in a row.
#include <gtest/gtest.h>

#include "host/health/health_hysteresis.hpp"

namespace vxsn {
namespace {

TEST(HealthHysteresis, StartsUnknownAndGoesUpAfterRiseGoodSamples) {
  HealthHysteresis h(3);
  EXPECT_EQ(h.state(), HealthState::unknown);
  EXPECT_EQ(h.observe(true), HealthAction::none);
  EXPECT_EQ(h.observe(true), HealthAction::none);
  EXPECT_EQ(h.state(), HealthState::unknown);  // no down command for a healthy start
  EXPECT_EQ(h.observe(true), HealthAction::run_up);
  EXPECT_EQ(h.state(), HealthState::up);
  EXPECT_EQ(h.observe(true), HealthAction::none);
}

TEST(HealthHysteresis, BadFirstSampleRunsDown) {
  HealthHysteresis h(3);
  EXPECT_EQ(h.observe(false), HealthAction::run_down);
  EXPECT_EQ(h.state(), HealthState::down);
  EXPECT_EQ(h.observe(false), HealthAction::none);
}

TEST(HealthHysteresis, OneBadSampleTakesAnUpNodeDown) {
  HealthHysteresis h(2);
  h.observe(true);
  ASSERT_EQ(h.observe(true), HealthAction::run_up);
  EXPECT_EQ(h.observe(false), HealthAction::run_down);
  EXPECT_EQ(h.state(), HealthState::down);
}

TEST(HealthHysteresis, ABadSampleRestartsTheRiseCount) {
  HealthHysteresis h(3);
  h.observe(false);
  EXPECT_EQ(h.observe(true), HealthAction::none);
  EXPECT_EQ(h.observe(true), HealthAction::none);
  EXPECT_EQ(h.observe(false), HealthAction::none);  // already down: nothing to run
  EXPECT_EQ(h.observe(true), HealthAction::none);
  EXPECT_EQ(h.observe(true), HealthAction::none);
  EXPECT_EQ(h.observe(true), HealthAction::run_up);
}

TEST(HealthHysteresis, RiseOfOneAnnouncesOnTheFirstGoodSample) {
  HealthHysteresis h(1);
  EXPECT_EQ(h.observe(true), HealthAction::run_up);
}

TEST(HealthHysteresis, ForceDownAlwaysRunsDown) {
  HealthHysteresis h(1);
  EXPECT_EQ(h.force_down(), HealthAction::run_down);
  EXPECT_EQ(h.force_down(), HealthAction::run_down);
  EXPECT_EQ(h.state(), HealthState::down);
  EXPECT_EQ(h.observe(true), HealthAction::run_up);
}

}  // namespace
}  // namespace vxsn
