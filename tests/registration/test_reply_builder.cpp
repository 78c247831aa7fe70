// Replies split so every datagram fits the MTU, the union of the parts is the member list, and
// every part of a VNI carries the requester's own address (vxrd ignores a list without it).
#include <gtest/gtest.h>

#include "host/registration/reply_builder.hpp"
#include "tests/registration/hex_bytes.hpp"
#include "tests/registration/vtep_test_client.hpp"

namespace vxsn {
namespace {

IpAddr v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  const uint8_t bytes[4] = {a, b, c, d};
  return IpAddr::v4(bytes);
}

std::set<std::string> texts(const std::vector<IpAddr>& addresses, bool with_v6) {
  std::set<std::string> out;
  for (const auto& a : addresses) {
    if (a.is_v4() || with_v6) out.insert(a.to_string());
  }
  return out;
}

TEST(ReplyBuilder, MaxPayloadIsMtuLessIpAndUdpHeaders) {
  EXPECT_EQ(max_udp_payload(1500, IpAddr::Family::kV4), 1472u);
  EXPECT_EQ(max_udp_payload(1500, IpAddr::Family::kV6), 1452u);
  EXPECT_EQ(max_udp_payload(9000, IpAddr::Family::kV4), 8972u);
}

class ReplyBuilderSplit : public ::testing::TestWithParam<int> {};

TEST_P(ReplyBuilderSplit, EveryDatagramFitsAndTheUnionIsTheMemberList) {
  const uint8_t version = static_cast<uint8_t>(GetParam());
  const IpAddr own = v4(10, 0, 0, 1);
  std::vector<IpAddr> big;  // 1000 members, octets above 127 (two-byte varints) included
  for (int i = 0; i < 1000; ++i)
    big.push_back(v4(10, 200, static_cast<uint8_t>(i / 250), static_cast<uint8_t>(i % 250 + 1)));
  big.push_back(own);
  std::vector<IpAddr> small{v4(172, 16, 0, 1), v4(172, 16, 0, 2), *IpAddr::parse("fd00::7")};
  const std::vector<ReplyVni> vnis{{100, {own}, big}, {200, {}, small}, {300, {}, {}}};

  const size_t max_payload = 1472;
  const auto datagrams = build_reply_datagrams(version, 90, vnis, max_payload);
  ASSERT_GT(datagrams.size(), 1u);
  // Lower bound: 1000 addresses of at least 4 bytes need 3 datagrams; being packed, the split
  // should not be far off the bound.
  EXPECT_LE(datagrams.size(), version >= 3 ? 12u : 4u);

  std::vector<test::ClientReply> replies;
  for (const auto& d : datagrams) {
    EXPECT_LE(d.size(), max_payload);
    auto r = test::client_decode(d);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->version, version);
    EXPECT_FALSE(r->originator);
    EXPECT_EQ(r->holdtime, 90u);
    EXPECT_EQ(r->response_type, 0u);
    EXPECT_EQ(r->identifier, 0u);
    for (const auto& [vni, members] : r->records) {
      if (vni == 100) {
        EXPECT_NE(std::find(members.begin(), members.end(), "10.0.0.1"), members.end());
      }
    }
    replies.push_back(*r);
  }
  const auto got = test::client_union(replies);
  EXPECT_EQ(got.at(100), texts(big, false));
  EXPECT_EQ(got.at(200), texts(small, version >= 4));
  ASSERT_TRUE(got.contains(300));  // a requested VNI with no members is listed, empty
  EXPECT_TRUE(got.at(300).empty());
}

INSTANTIATE_TEST_SUITE_P(Versions, ReplyBuilderSplit, ::testing::Values(1, 2, 3, 4));

TEST(ReplyBuilder, NothingToListIsOneEmptyReply) {
  const auto d = build_reply_datagrams(2, 90, {}, 1472);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0], test::hex("02 01 00 00 00 5a 00 00"));
}

TEST(ReplyBuilder, ExactFitUsesTheWholePayload) {
  // v1: 6 header bytes + 6 record bytes + 4 per address. 10 addresses: 52 bytes.
  std::vector<IpAddr> members;
  for (uint8_t i = 1; i <= 10; ++i) members.push_back(v4(10, 0, 0, i));
  const std::vector<ReplyVni> vnis{{7, {members[0]}, members}};
  EXPECT_EQ(build_reply_datagrams(1, 90, vnis, 52).size(), 1u);
  const auto split = build_reply_datagrams(1, 90, vnis, 51);
  ASSERT_EQ(split.size(), 2u);
  // First part: own + 8 others (48 bytes); second: own + the last one.
  EXPECT_EQ(split[0].size(), 48u);
  EXPECT_EQ(split[1], test::hex("01 01 00 00 00 5a 00 00 00 07 00 02 0a 00 00 01 0a 00 00 0a"));
}

TEST(ReplyBuilder, AnMtuTooSmallForOneAddressBuildsNothing) {
  const std::vector<ReplyVni> vnis{{7, {}, {v4(10, 0, 0, 1)}}};
  EXPECT_TRUE(build_reply_datagrams(1, 90, vnis, 15).empty());
  EXPECT_EQ(build_reply_datagrams(1, 90, vnis, 16).size(), 1u);
}

// The amplification bound: all the datagrams together stay within the total, what is sent
// is a prefix of the reply, and every part still carries the own address.
class ReplyBuilderBudget : public ::testing::TestWithParam<int> {};

TEST_P(ReplyBuilderBudget, TheDatagramsTogetherStayWithinTheTotalAndCarryTheOwnAddress) {
  const uint8_t version = static_cast<uint8_t>(GetParam());
  const IpAddr own = v4(10, 0, 0, 1);
  std::vector<IpAddr> members{own};
  for (int i = 0; i < 300; ++i)
    members.push_back(v4(10, 9, static_cast<uint8_t>(i / 200), static_cast<uint8_t>(i % 200 + 1)));
  const std::vector<ReplyVni> vnis{{100, {own}, members}, {200, {own}, members}};
  const size_t whole = [&] {
    size_t sum = 0;
    for (const auto& d : build_reply_datagrams(version, 90, vnis, 200)) sum += d.size();
    return sum;
  }();
  for (size_t total : {size_t{40}, size_t{64}, size_t{100}, size_t{450}, size_t{1000}, whole}) {
    SCOPED_TRACE(total);
    const BoundedReply r = build_bounded_reply(version, 90, vnis, 200, total);
    EXPECT_FALSE(r.unbuildable);
    EXPECT_EQ(r.truncated, total < whole);
    size_t sum = 0;
    size_t listed = 0;
    for (const auto& d : r.datagrams) {
      sum += d.size();
      EXPECT_LE(d.size(), 200u);
      const auto decoded = test::client_decode(d);
      ASSERT_TRUE(decoded.has_value());
      for (const auto& [vni, addresses] : decoded->records) {
        EXPECT_NE(std::find(addresses.begin(), addresses.end(), "10.0.0.1"), addresses.end());
        listed += addresses.size();
      }
    }
    EXPECT_LE(sum, total);
    if (total >= 64) {
      EXPECT_GT(listed, 1u) << "a budget this size holds more than the own address";
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Versions, ReplyBuilderBudget, ::testing::Values(1, 2, 3, 4));

TEST(ReplyBuilder, ABudgetBelowTheHeaderAndOwnAddressesSendsNothing) {
  const IpAddr own = v4(10, 0, 0, 1);
  const std::vector<ReplyVni> vnis{{7, {own}, {own, v4(10, 0, 0, 2)}}};
  // v1: 6 header bytes + 6 record bytes + 4 for the own address.
  const BoundedReply none = build_bounded_reply(1, 90, vnis, 1472, 15);
  EXPECT_TRUE(none.datagrams.empty());
  EXPECT_TRUE(none.truncated);
  const BoundedReply own_only = build_bounded_reply(1, 90, vnis, 1472, 16);
  ASSERT_EQ(own_only.datagrams.size(), 1u);
  EXPECT_TRUE(own_only.truncated);
  EXPECT_EQ(own_only.datagrams[0], test::hex("01 01 00 00 00 5a 00 00 00 07 00 01 0a 00 00 01"));
}

}  // namespace
}  // namespace vxsn
