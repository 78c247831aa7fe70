#include "host/table/allow_list.hpp"

#include <gtest/gtest.h>

#include "tests/table/table_test_support.hpp"

namespace vxsn {
namespace {

using test::ip;

IpPrefix prefix(const char* text) {
  auto p = IpPrefix::parse(text);
  EXPECT_TRUE(p) << text;
  return *p;
}

TEST(IpPrefix, ContainsByPrefixBits) {
  EXPECT_TRUE(prefix("10.1.0.0/16").contains(ip("10.1.255.7")));
  EXPECT_FALSE(prefix("10.1.0.0/16").contains(ip("10.2.0.1")));
  // /12 splits the second octet: 172.16.0.0 - 172.31.255.255.
  EXPECT_TRUE(prefix("172.16.0.0/12").contains(ip("172.31.1.1")));
  EXPECT_FALSE(prefix("172.16.0.0/12").contains(ip("172.32.0.0")));
  EXPECT_TRUE(prefix("0.0.0.0/0").contains(ip("1.2.3.4")));
  EXPECT_FALSE(prefix("0.0.0.0/0").contains(ip("::1")));  // families never mix
  EXPECT_TRUE(prefix("fd00:1::/32").contains(ip("fd00:1:ffff::9")));
  EXPECT_FALSE(prefix("fd00:1::/32").contains(ip("fd00:2::9")));
  EXPECT_TRUE(prefix("10.0.0.5").contains(ip("10.0.0.5")));  // a bare address: /32
  EXPECT_FALSE(prefix("10.0.0.5").contains(ip("10.0.0.4")));
}

TEST(IpPrefix, ClearsHostBitsAndRejectsNonsense) {
  EXPECT_EQ(prefix("10.1.2.3/16").to_string(), "10.1.0.0/16");
  EXPECT_EQ(prefix("fd00::1/8").to_string(), "fd00::/8");
  for (const char* bad :
       {"10.0.0.0/33", "fd00::/129", "10.0.0.0/", "10.0.0.0/a", "nonsense", "10.0.0/8", "/8"})
    EXPECT_FALSE(IpPrefix::parse(bad)) << bad;
}

TEST(AllowList, EmptyAllowsEverything) {
  AllowList a;
  EXPECT_TRUE(a.allows(1, ip("1.2.3.4")));
  EXPECT_TRUE(a.allows(0xFFFFFF, ip("fd00::1")));
}

TEST(AllowList, CoveredVniAcceptsOnlyItsPrefixes) {
  AllowList a(
      {{VniRange{100, 199}, {prefix("10.1.0.0/16")}}, {VniRange{150, 150}, {prefix("fd00::/16")}}},
      /*allow_unlisted_vnis=*/true);
  EXPECT_TRUE(a.allows(100, ip("10.1.0.1")));
  EXPECT_FALSE(a.allows(100, ip("fd00::1")));
  EXPECT_TRUE(a.allows(150, ip("fd00::1")));  // two rules cover 150: either prefix
  EXPECT_TRUE(a.allows(150, ip("10.1.0.1")));
  EXPECT_FALSE(a.allows(199, ip("10.2.0.1")));
  EXPECT_TRUE(a.allows(200, ip("10.2.0.1")));  // unlisted
  EXPECT_TRUE(a.covers(199));
  EXPECT_FALSE(a.covers(99));
}

TEST(AllowList, UnlistedVnisCanBeDenied) {
  AllowList a({{VniRange{100, 100}, {prefix("10.0.0.0/8")}}}, /*allow_unlisted_vnis=*/false);
  EXPECT_TRUE(a.allows(100, ip("10.0.0.1")));
  EXPECT_FALSE(a.allows(101, ip("10.0.0.1")));
}

TEST(LearningPolicy, LastCoveringRuleWins) {
  LearningPolicy p({{VniRange{100, 199}, false}, {VniRange{150, 150}, true}}, true);
  EXPECT_TRUE(p.enabled(99));
  EXPECT_FALSE(p.enabled(100));
  EXPECT_TRUE(p.enabled(150));
  EXPECT_FALSE(p.enabled(199));
  LearningPolicy off({}, false);
  EXPECT_FALSE(off.enabled(5));
}

TEST(AllowList, FromConfigFile) {
  Config c = parse_config(R"(
[node]
service_addresses = ["10.0.0.254"]
[[port]]
device = "net_ring0"
[table]
unlisted_vnis = "deny"
learning = false
[[allow]]
vnis = "100-199"
prefixes = ["10.1.0.0/16", "fd00::/16"]
[[learning]]
vnis = 120
enabled = true
)",
                          "allow.toml");
  AllowList a = AllowList::from_config(c);
  EXPECT_TRUE(a.allows(120, ip("10.1.3.4")));
  EXPECT_FALSE(a.allows(120, ip("10.2.3.4")));
  EXPECT_FALSE(a.allows(300, ip("10.1.3.4")));
  LearningPolicy p = LearningPolicy::from_config(c);
  EXPECT_TRUE(p.enabled(120));
  EXPECT_FALSE(p.enabled(121));
}

}  // namespace
}  // namespace vxsn
