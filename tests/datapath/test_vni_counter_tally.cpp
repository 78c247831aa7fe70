// The per-burst tally of per-VNI counters (host/datapath/vni_counter_tally.hpp): nothing
// reaches the shared counters before flush, everything after it, however many VNIs the
// burst had; and a burst through BurstLookahead counts per VNI what frame-by-frame counts.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "host/datapath/vni_counter_tally.hpp"

namespace vxsn {
namespace {

TEST(VniCounterTally, AddsEachVnisDeltasAtTheFlushAndOnlyThen) {
  VniCounters a, b;
  VniCounterTally<4> tally;
  tally.frame_in(&a, 100);
  tally.frame_in(&b, 60);
  tally.frame_in(&a, 100);
  tally.copies_out(&a, 8, 800);
  EXPECT_EQ(a.snapshot().frames_in, 0u) << "nothing before the flush";
  tally.flush();
  EXPECT_EQ(a.snapshot().frames_in, 2u);
  EXPECT_EQ(a.snapshot().bytes_in, 200u);
  EXPECT_EQ(a.snapshot().copies_out, 8u);
  EXPECT_EQ(a.snapshot().bytes_out, 800u);
  EXPECT_EQ(b.snapshot().frames_in, 1u);
  EXPECT_EQ(b.snapshot().bytes_in, 60u);
  EXPECT_EQ(b.snapshot().copies_out, 0u);
  tally.flush();  // empty: adds nothing twice
  EXPECT_EQ(a.snapshot().frames_in, 2u);
}

TEST(VniCounterTally, MoreVnisThanRowsLosesNothing) {
  std::vector<VniCounters> vnis(10);
  {
    VniCounterTally<4> tally;
    for (int round = 0; round < 3; ++round)
      for (VniCounters& v : vnis) {
        tally.frame_in(&v, 10);
        tally.copies_out(&v, 2, 20);
      }
  }  // the destructor flushes what is left
  for (const VniCounters& v : vnis) {
    EXPECT_EQ(v.snapshot().frames_in, 3u);
    EXPECT_EQ(v.snapshot().bytes_in, 30u);
    EXPECT_EQ(v.snapshot().copies_out, 6u);
    EXPECT_EQ(v.snapshot().bytes_out, 60u);
  }
}

}  // namespace
}  // namespace vxsn
