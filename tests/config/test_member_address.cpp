// Address text and the one rule for who may be a member: parsing refuses an embedded NUL and
// trailing bytes and undoes IPv4-mapped IPv6; member_address_problem names every address no
// VTEP can have.
#include <gtest/gtest.h>

#include <string>

#include "host/config/member_address.hpp"

namespace vxsn {
namespace {

TEST(IpAddrParse, RefusesEmbeddedNulAndTrailingBytes) {
  EXPECT_FALSE(IpAddr::parse(std::string("10.0.0.1\0x", 10)));
  EXPECT_FALSE(IpAddr::parse(std::string("10.0.0.1\0", 9)));
  EXPECT_FALSE(IpAddr::parse(std::string("fd00::1\0", 8)));
  EXPECT_FALSE(IpAddr::parse("10.0.0.1 "));
  EXPECT_FALSE(IpAddr::parse("10.0.0.1x"));
  EXPECT_FALSE(IpAddr::parse(""));
  EXPECT_EQ(IpAddr::parse("10.0.0.1")->to_string(), "10.0.0.1");
}

TEST(IpAddrParse, Ipv4MappedBecomesIpv4) {
  auto a = IpAddr::parse("::ffff:10.0.0.1");
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->is_v4());
  EXPECT_EQ(*a, *IpAddr::parse("10.0.0.1"));
  EXPECT_EQ(*IpAddr::parse("::ffff:a00:1"), *IpAddr::parse("10.0.0.1"));
  // Not mapped: IPv4-compatible (deprecated) and NAT64 prefixes stay IPv6.
  EXPECT_TRUE(IpAddr::parse("::10.0.0.1")->is_v6());
  EXPECT_TRUE(IpAddr::parse("64:ff9b::10.0.0.1")->is_v6());
}

TEST(IpAddrNormalised, LeavesEverythingButMappedAlone) {
  const IpAddr v6 = *IpAddr::parse("fd00::1");
  EXPECT_EQ(v6.normalised(), v6);
  const IpAddr v4 = *IpAddr::parse("10.1.2.3");
  EXPECT_EQ(v4.normalised(), v4);
  const uint8_t mapped[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 1, 2, 3};
  EXPECT_EQ(IpAddr::v6(mapped).normalised(), v4);
}

class NotAMember : public ::testing::TestWithParam<const char*> {};

TEST_P(NotAMember, IsRefusedWithAReason) {
  auto problem = member_address_problem(*IpAddr::parse(GetParam()));
  ASSERT_TRUE(problem.has_value()) << GetParam();
  EXPECT_FALSE(problem->empty());
}

INSTANTIATE_TEST_SUITE_P(Addresses, NotAMember,
                         ::testing::Values("0.0.0.0", "0.1.2.3", "127.0.0.1", "127.255.0.9",
                                           "224.0.0.1", "239.255.255.255", "240.0.0.1",
                                           "255.255.255.255", "::", "::1", "ff02::1",
                                           "ff0e::1234"));

TEST(MemberAddress, UnicastHostsAreMembers) {
  for (const char* ok :
       {"10.0.0.1", "192.0.2.7", "1.1.1.1", "223.255.255.254", "fd00::1", "2001:db8::5", "fe80::1"})
    EXPECT_FALSE(member_address_problem(*IpAddr::parse(ok)).has_value()) << ok;
}

TEST(MemberAddress, AMappedAddressIsJudgedAsItsIpv4) {
  const uint8_t mapped_loopback[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1};
  EXPECT_TRUE(member_address_problem(IpAddr::v6(mapped_loopback)).has_value());
  EXPECT_TRUE(member_address_problem(IpAddr{}).has_value()) << "no family at all";
}

}  // namespace
}  // namespace vxsn
