// The three vxfld versions (and vxsn's v4) against the note's test vectors, byte for byte,
// and every malformed class refused under its own name.
#include <gtest/gtest.h>

#include "host/registration/refresh_codec.hpp"
#include "host/registration/reply_builder.hpp"
#include "tests/registration/hex_bytes.hpp"

namespace vxsn {
namespace {

using test::hex;

IpAddr ip(const char* text) {
  return *IpAddr::parse(text);
}

// Note: "v3 registration, VNI 100, VTEP 10.0.0.1, reply requested, identifier ID".
TEST(RefreshCodec, DecodesTheV3RegistrationVector) {
  const auto r = decode_refresh(
      hex("03 01 08 01 10 5a 18 01 20 07 2a 0c 08 64 12 08 0a 06 0a 04 0a 00 00 01"));
  ASSERT_TRUE(r.ok()) << refresh_decode_error_label(r.error);
  EXPECT_EQ(r.message.version, 3);
  EXPECT_TRUE(r.message.originator);
  EXPECT_EQ(r.message.holdtime, 90u);
  EXPECT_EQ(r.message.response_type, ResponseType::kRequestedVnis);
  EXPECT_EQ(r.message.identifier, 7u);
  ASSERT_EQ(r.message.vteps.size(), 1u);
  EXPECT_EQ(r.message.vteps[0].vni, 100u);
  EXPECT_EQ(r.message.vteps[0].vteps, std::vector<IpAddr>{ip("10.0.0.1")});
}

TEST(RefreshCodec, DecodesAMultiByteIdentifier) {
  // 0x12345678 as a varint: f8 ac d1 91 01.
  const auto r = decode_refresh(
      hex("03 01 08 01 10 5a 18 01 20 f8 ac d1 91 01 2a 0c 08 64 12 08 0a 06 0a 04 0a 00 00 01"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.message.identifier, 0x12345678u);
}

TEST(RefreshCodec, EncodesTheV3ReplyVectorByteForByte) {
  RefreshMessage reply;
  reply.version = 3;
  reply.originator = false;
  reply.holdtime = 90;
  reply.response_type = ResponseType::kNone;
  reply.identifier = 0;
  reply.vteps = {{100, {ip("10.0.0.1"), ip("10.0.0.2")}}};
  EXPECT_EQ(encode_refresh(reply),
            hex("03 01 08 00 10 5a 18 00 20 00 2a 16 08 64 12 08 0a 06 0a 04 0a 00 00 01 12 08 0a "
                "06 0a 04 0a 00 00 02"));
}

TEST(RefreshCodec, TheReplyBuilderProducesTheV3ReplyVector) {
  const std::vector<ReplyVni> vnis{{100, {ip("10.0.0.1")}, {ip("10.0.0.1"), ip("10.0.0.2")}}};
  const auto datagrams = build_reply_datagrams(3, 90, vnis, 1472);
  ASSERT_EQ(datagrams.size(), 1u);
  EXPECT_EQ(datagrams[0], hex("03 01 08 00 10 5a 18 00 20 00 2a 16 08 64 12 08 0a 06 0a 04 0a 00 "
                              "00 01 12 08 0a 06 0a 04 0a 00 00 02"));
}

TEST(RefreshCodec, DecodesTheV1VectorAsARequestForAllVnis) {
  const auto r = decode_refresh(hex("01 01 00 01 00 5a 00 00 00 64 00 01 0a 00 00 01"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.message.version, 1);
  EXPECT_TRUE(r.message.originator);
  EXPECT_EQ(r.message.holdtime, 90u);
  EXPECT_EQ(r.message.response_type, ResponseType::kAllVnis);
  EXPECT_EQ(r.message.identifier, 0u);
  ASSERT_EQ(r.message.vteps.size(), 1u);
  EXPECT_EQ(r.message.vteps[0], (VniMembers{100, {ip("10.0.0.1")}}));
}

TEST(RefreshCodec, EncodesTheV1VectorByteForByte) {
  RefreshMessage m;
  m.version = 1;
  m.originator = true;
  m.holdtime = 90;
  m.vteps = {{100, {ip("10.0.0.1")}}};
  EXPECT_EQ(encode_refresh(m), hex("01 01 00 01 00 5a 00 00 00 64 00 01 0a 00 00 01"));
}

TEST(RefreshCodec, V2CarriesResponseTypeAfterHoldtime) {
  const auto bytes = hex("02 01 00 01 00 5a 00 01 00 00 00 64 00 02 0a 00 00 01 0a 00 00 02");
  const auto r = decode_refresh(bytes);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.message.response_type, ResponseType::kRequestedVnis);
  EXPECT_EQ(r.message.vteps[0], (VniMembers{100, {ip("10.0.0.1"), ip("10.0.0.2")}}));
  EXPECT_EQ(encode_refresh(r.message), bytes);
}

TEST(RefreshCodec, AbsentV3HoldtimeMeans90AndAWithdrawalSendsZero) {
  const auto absent = decode_refresh(hex("03 01 08 01 2a 0c 08 64 12 08 0a 06 0a 04 0a 00 00 01"));
  ASSERT_TRUE(absent.ok());
  EXPECT_EQ(absent.message.holdtime, 90u);
  const auto zero =
      decode_refresh(hex("03 01 08 01 10 00 2a 0c 08 64 12 08 0a 06 0a 04 0a 00 00 01"));
  ASSERT_TRUE(zero.ok());
  EXPECT_EQ(zero.message.holdtime, 0u);
  const auto forever = decode_refresh(hex("03 01 10 ff ff 03"));
  ASSERT_TRUE(forever.ok());
  EXPECT_EQ(forever.message.holdtime, 65535u);
}

TEST(RefreshCodec, OctetsAbove127AreTwoByteVarints) {
  // 192.168.200.1: c0 01, a8 01, c8 01, 01 -> 7 packed bytes.
  const auto bytes =
      hex("03 01 08 00 10 5a 18 00 20 00 2a 0f 08 64 12 0b 0a 09 0a 07 c0 01 a8 01 "
          "c8 01 01");
  const auto r = decode_refresh(bytes);
  ASSERT_TRUE(r.ok()) << refresh_decode_error_label(r.error);
  EXPECT_EQ(r.message.vteps[0].vteps, std::vector<IpAddr>{ip("192.168.200.1")});
  EXPECT_EQ(encode_refresh(r.message), bytes);
}

// vxsn's extension: version 4 = the v3 body plus VniDict field 15, 16-byte IPv6 addresses.
TEST(RefreshCodec, Version4CarriesIpv6InField15) {
  const auto bytes =
      hex("04 01 08 01 10 5a 18 01 20 00 2a 1e 08 64 12 08 0a 06 0a 04 0a 00 00 01 "
          "7a 10 fd 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01");
  const auto r = decode_refresh(bytes);
  ASSERT_TRUE(r.ok()) << refresh_decode_error_label(r.error);
  EXPECT_EQ(r.message.vteps[0].vteps, (std::vector<IpAddr>{ip("10.0.0.1"), ip("fd00::1")}));
  EXPECT_EQ(encode_refresh(r.message), bytes);
}

TEST(RefreshCodec, OlderVersionsNeverCarryIpv6) {
  RefreshMessage m;
  m.vteps = {{100, {ip("10.0.0.1"), ip("fd00::1")}}};
  m.version = 3;
  EXPECT_EQ(encode_refresh(m), hex("03 01 08 00 10 5a 18 00 20 00 2a 0c 08 64 12 08 0a 06 0a 04 0a "
                                   "00 00 01"));
  m.version = 2;
  EXPECT_EQ(encode_refresh(m), hex("02 01 00 00 00 5a 00 00 00 00 00 64 00 01 0a 00 00 01"));
  m.version = 1;
  EXPECT_EQ(encode_refresh(m), hex("01 01 00 00 00 5a 00 00 00 64 00 01 0a 00 00 01"));
}

struct Malformed {
  const char* name;
  std::vector<uint8_t> bytes;
  RefreshDecodeError error;
};

class RefreshCodecMalformed : public ::testing::TestWithParam<Malformed> {};

TEST_P(RefreshCodecMalformed, IsRefusedUnderItsOwnName) {
  const auto r = decode_refresh(GetParam().bytes);
  EXPECT_EQ(r.error, GetParam().error) << "got " << refresh_decode_error_label(r.error) << ", want "
                                       << refresh_decode_error_label(GetParam().error);
}

using E = RefreshDecodeError;
const Malformed kMalformed[] = {
    {"empty", {}, E::kTruncated},
    {"version_only", hex("03"), E::kTruncated},
    {"v1_short_header", hex("01 01 00 01 00"), E::kTruncated},
    {"v2_short_header", hex("02 01 00 01 00 5a 00"), E::kTruncated},
    {"oversized", std::vector<uint8_t>(65508, 0x03), E::kOversized},
    {"version_0", hex("00 01 00 01 00 5a"), E::kBadVersion},
    {"version_5", hex("05 01 08 01"), E::kBadVersion},
    {"version_255", hex("ff 01 08 01"), E::kBadVersion},
    {"proxy", hex("03 02 08 01"), E::kTypeNotServed},
    {"sync", hex("01 03 00 01 00 5a"), E::kTypeNotServed},
    {"type_0", hex("03 00 08 01"), E::kUnknownType},
    {"type_9", hex("02 09 00 01 00 5a 00 01"), E::kUnknownType},
    {"pb_garbage", hex("03 01 ff ff ff ff"), E::kBadProtobuf},
    {"pb_length_overrun", hex("03 01 2a 05 08"), E::kBadProtobuf},
    {"pb_missing_vni", hex("03 01 2a 00"), E::kBadProtobuf},
    {"pb_missing_ip_addr", hex("03 01 2a 04 08 64 12 00"), E::kBadProtobuf},
    {"pb_wire_type_7", hex("03 01 0f"), E::kBadProtobuf},
    {"v1_trailing_garbage", hex("01 01 00 01 00 5a 00 00 00 64 00 01 0a 00 00 01 00 00"),
     E::kTrailingGarbage},
    {"v2_trailing_garbage", hex("02 01 00 01 00 5a 00 01 ab"), E::kTrailingGarbage},
    {"v1_count_overrun", hex("01 01 00 01 00 5a 00 00 00 64 00 02 0a 00 00 01"), E::kCountOverrun},
    {"v2_count_max", hex("02 01 00 01 00 5a 00 01 00 00 00 64 ff ff"), E::kCountOverrun},
    {"v1_vni_25_bits", hex("01 01 00 01 00 5a 01 00 00 00 00 00"), E::kVniOutOfRange},
    {"v3_vni_25_bits", hex("03 01 2a 05 08 80 80 80 08"), E::kVniOutOfRange},
    {"v3_holdtime_65536", hex("03 01 10 80 80 04"), E::kHoldtimeOutOfRange},
    {"v2_response_type_3", hex("02 01 00 01 00 5a 00 03"), E::kBadResponseType},
    {"v3_response_type_3", hex("03 01 18 03"), E::kBadResponseType},
    {"v1_originator_2", hex("01 01 00 02 00 5a"), E::kBadOriginator},
    {"v3_three_octets", hex("03 01 2a 0b 08 64 12 07 0a 05 0a 03 0a 00 00"), E::kBadAddress},
    {"v3_octet_256", hex("03 01 2a 0d 08 64 12 09 0a 07 0a 05 0a 00 00 80 02"), E::kBadAddress},
    {"v3_ipv6", hex("03 01 2a 14 08 64 7a 10 fd 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01"),
     E::kIpv6NotInVersion},
    {"v4_ipv6_4_bytes", hex("04 01 2a 08 08 64 7a 04 01 02 03 04"), E::kBadAddress},
};

INSTANTIATE_TEST_SUITE_P(Every, RefreshCodecMalformed, ::testing::ValuesIn(kMalformed),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(RefreshCodec, SizeArithmeticMatchesTheEncoder) {
  for (uint8_t version = 1; version <= 4; ++version) {
    RefreshMessage m;
    m.version = version;
    m.holdtime = 300;
    m.identifier = 0x123456789;
    m.vteps = {{5, {ip("10.0.0.1"), ip("200.201.202.203"), ip("fd00::9")}},
               {0xFFFFFF, {}},
               {1000, {ip("127.0.0.1")}}};
    size_t expected = refresh_size::header_bytes(m);
    for (const auto& record : m.vteps) {
      size_t addresses = 0;
      for (const auto& a : record.vteps) addresses += refresh_size::address_bytes(version, a);
      expected += refresh_size::record_bytes(version, record.vni, addresses);
    }
    EXPECT_EQ(encode_refresh(m).size(), expected) << "version " << int{version};
  }
}

}  // namespace
}  // namespace vxsn
