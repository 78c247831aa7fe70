// The compiler's per-address VNI list: set semantics with the first VNI inline.
#include "host/table/vni_list.hpp"

#include <gtest/gtest.h>

#include <set>

namespace vxsn {
namespace {

std::set<uint32_t> listed(const VniList& l) {
  std::set<uint32_t> out;
  l.for_each([&](uint32_t vni) { EXPECT_TRUE(out.insert(vni).second) << "listed twice: " << vni; });
  return out;
}

TEST(VniList, KeepsEachVniOnceAndForgetsOnlyWhatIsErased) {
  VniList l;
  EXPECT_TRUE(l.empty());
  l.insert(7);
  l.insert(7);
  EXPECT_EQ(listed(l), (std::set<uint32_t>{7}));
  l.insert(9);
  l.insert(11);
  l.insert(9);
  EXPECT_EQ(listed(l), (std::set<uint32_t>{7, 9, 11}));
  EXPECT_FALSE(l.erase(8));
  EXPECT_TRUE(l.erase(7));  // the inline one: a spilled one takes its place
  EXPECT_EQ(listed(l), (std::set<uint32_t>{9, 11}));
  EXPECT_FALSE(l.erase(7));
  EXPECT_TRUE(l.erase(11));
  EXPECT_TRUE(l.erase(9));
  EXPECT_TRUE(l.empty());
  EXPECT_EQ(listed(l), std::set<uint32_t>{});
  l.insert(0);  // VNI 0 is a VNI like any other
  EXPECT_FALSE(l.empty());
  EXPECT_EQ(listed(l), (std::set<uint32_t>{0}));
}

}  // namespace
}  // namespace vxsn
