#include "hls/drop_reason.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace vxsn {
namespace {

// Counters and logs are keyed by these labels: two reasons sharing one would merge counts.
TEST(DropReason, LabelsAreUniqueAndNamed) {
  std::set<std::string> seen;
  for (unsigned i = 0; i < kDropReasonCount; ++i) {
    std::string label = drop_reason_label(static_cast<DropReason>(i));
    EXPECT_NE(label, "invalid") << "reason " << i << " has no label";
    EXPECT_TRUE(seen.insert(label).second) << "duplicate label " << label;
  }
  EXPECT_EQ(seen.size(), kDropReasonCount);
}

TEST(DropReason, OutOfRangeIsInvalid) {
  EXPECT_STREQ(drop_reason_label(DropReason::kCount), "invalid");
}

}  // namespace
}  // namespace vxsn
