// parse_frame: every accepted form and every drop reason parsing can produce, from frames
// assembled field by field (test_frames.hpp); expected values written literally.
#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <string>

#include "host/datapath/frame_parser.hpp"
#include "tests/datapath/test_frames.hpp"

namespace vxsn {
namespace {

using test::build_frame;
using test::FrameSpec;
using test::ip;

ParsedFrame parse(const std::vector<uint8_t>& f, const ParseConfig& cfg = {}) {
  return parse_frame(std::span<const uint8_t>(f.data(), f.size()), cfg);
}

TEST(FrameParser, AcceptsIpv4) {
  FrameSpec s;
  s.vni = 0xABCDEF;
  const auto f = build_frame(s);
  ASSERT_EQ(f.size(), 70u);
  const ParsedFrame p = parse(f);
  EXPECT_EQ(p.drop, DropReason::kNone);
  EXPECT_EQ(p.vni, 0xABCDEFu);
  EXPECT_EQ(p.src_vtep, ip("10.0.0.1"));
  EXPECT_EQ(p.dst, ip("10.0.0.254"));
  EXPECT_EQ(p.udp_src_port, 40015);
  EXPECT_FALSE(p.has_vlan);
  EXPECT_EQ(p.vxlan_offset, 42);
  EXPECT_EQ(p.inner_offset, 50);
  EXPECT_EQ(p.inner_len, 20);
}

TEST(FrameParser, AcceptsIpv6) {
  FrameSpec s;
  s.src = ip("fd00::1");
  s.dst = ip("fd00::fe");
  const auto f = build_frame(s);
  ASSERT_EQ(f.size(), 90u);
  const ParsedFrame p = parse(f);
  EXPECT_EQ(p.drop, DropReason::kNone);
  EXPECT_EQ(p.vni, 100u);
  EXPECT_EQ(p.src_vtep, ip("fd00::1"));
  EXPECT_EQ(p.dst, ip("fd00::fe"));
  EXPECT_EQ(p.udp_src_port, 40015);
  EXPECT_EQ(p.vxlan_offset, 62);
  EXPECT_EQ(p.inner_offset, 70);
  EXPECT_EQ(p.inner_len, 20);
}

TEST(FrameParser, AcceptsIpv4WithVlanTag) {
  FrameSpec s;
  s.vlan_tci = 0xA064;  // PCP 5, VID 100
  const ParsedFrame p = parse(build_frame(s));
  EXPECT_EQ(p.drop, DropReason::kNone);
  EXPECT_TRUE(p.has_vlan);
  EXPECT_EQ(p.vlan_tci, 0xA064);
  EXPECT_EQ(p.vxlan_offset, 46);
  EXPECT_EQ(p.inner_offset, 54);
  EXPECT_EQ(p.inner_len, 20);
  EXPECT_EQ(p.src_vtep, ip("10.0.0.1"));
}

TEST(FrameParser, AcceptsIpv6WithVlanTag) {
  FrameSpec s;
  s.vlan_tci = 7;
  s.src = ip("fd00::1");
  s.dst = ip("fd00::fe");
  const ParsedFrame p = parse(build_frame(s));
  EXPECT_EQ(p.drop, DropReason::kNone);
  EXPECT_TRUE(p.has_vlan);
  EXPECT_EQ(p.vlan_tci, 7);
  EXPECT_EQ(p.vxlan_offset, 66);
  EXPECT_EQ(p.inner_len, 20);
}

TEST(FrameParser, IgnoresEthernetPaddingAfterTheDatagram) {
  FrameSpec s;
  s.inner = test::inner_of_len(14);  // 64-byte frame...
  s.trailing = 6;                    // ...plus trailer bytes a NIC may hand over
  const auto f = build_frame(s);
  ASSERT_EQ(f.size(), 70u);
  const ParsedFrame p = parse(f);
  EXPECT_EQ(p.drop, DropReason::kNone);
  EXPECT_EQ(p.inner_len, 14);
}

TEST(FrameParser, InnerLengthComesFromUdpNotIpLength) {
  // IP datagram longer than UDP says (4 bytes after the UDP datagram, inside IP).
  FrameSpec s;
  s.ip_length = 20 + 36 + 4;
  s.trailing = 4;
  const ParsedFrame p = parse(build_frame(s));
  EXPECT_EQ(p.drop, DropReason::kNone);
  EXPECT_EQ(p.inner_len, 20);
}

TEST(FrameParser, IgnoresReservedVxlanBits) {
  FrameSpec s;
  s.vxlan_flags = 0xFF;
  s.vxlan_reserved1 = {0xAA, 0xBB, 0xCC};
  s.vxlan_reserved2 = 0xDD;
  s.vni = 0xFFFFFF;
  const ParsedFrame p = parse(build_frame(s));
  EXPECT_EQ(p.drop, DropReason::kNone);
  EXPECT_EQ(p.vni, 0xFFFFFFu);
}

TEST(FrameParser, AcceptsAnyListedServiceAddress) {
  ParseConfig cfg;
  cfg.service_addrs[0] = ip("10.0.0.253");
  cfg.service_addrs[1] = ip("fd00::fe");
  cfg.service_addrs[2] = ip("10.0.0.254");
  cfg.service_addr_count = 3;
  EXPECT_EQ(parse(build_frame(FrameSpec{}), cfg).drop, DropReason::kNone);
  FrameSpec v6;
  v6.src = ip("fd00::1");
  v6.dst = ip("fd00::fe");
  EXPECT_EQ(parse(build_frame(v6), cfg).drop, DropReason::kNone);
}

TEST(FrameParser, HonoursConfiguredPort) {
  ParseConfig cfg;
  cfg.vxlan_port = 8472;
  FrameSpec s;
  s.udp_dst = 8472;
  EXPECT_EQ(parse(build_frame(s), cfg).drop, DropReason::kNone);
  EXPECT_EQ(parse(build_frame(FrameSpec{}), cfg).drop, DropReason::kWrongPort);
}

// One row per way a frame is dropped by parsing.
struct DropCase {
  std::string name;
  std::function<void(FrameSpec&)> edit;
  DropReason expected;
};

FrameSpec v6_spec() {
  FrameSpec s;
  s.src = ip("fd00::1");
  s.dst = ip("fd00::fe");
  return s;
}

std::vector<DropCase> drop_cases() {
  return {
      {"EndsInsideEthernetHeader", [](FrameSpec& s) { s.cut_to = 13; }, DropReason::kTooShort},
      {"EndsInsideVlanTag",
       [](FrameSpec& s) {
         s.vlan_tci = 5;
         s.cut_to = 16;
       },
       DropReason::kTooShort},
      {"EndsInsideIpv4Header", [](FrameSpec& s) { s.cut_to = 14 + 19; }, DropReason::kTooShort},
      {"EndsInsideIpv6Header",
       [](FrameSpec& s) {
         s = v6_spec();
         s.cut_to = 14 + 39;
       },
       DropReason::kTooShort},
      {"Arp", [](FrameSpec& s) { s.ether_type = 0x0806; }, DropReason::kUnknownEtherType},
      {"TwoVlanTags",
       [](FrameSpec& s) {
         s.vlan_tci = 5;
         s.ether_type = 0x8100;
       },
       DropReason::kUnknownEtherType},
      {"Ipv4EtherTypeVersion6", [](FrameSpec& s) { s.version_ihl = 0x65; },
       DropReason::kIpBadVersion},
      {"Ipv6EtherTypeVersion4",
       [](FrameSpec& s) {
         s = v6_spec();
         s.ipv6_version_byte = 0x40;
       },
       DropReason::kIpBadVersion},
      {"Ipv4Options", [](FrameSpec& s) { s.version_ihl = 0x46; }, DropReason::kIpv4Options},
      {"Ipv4MoreFragments", [](FrameSpec& s) { s.flags_frag = 0x2000; }, DropReason::kIpv4Fragment},
      {"Ipv4FragmentOffset", [](FrameSpec& s) { s.flags_frag = 0x4001; },
       DropReason::kIpv4Fragment},
      {"Ipv4BadChecksum", [](FrameSpec& s) { s.corrupt_ip_checksum = true; },
       DropReason::kIpv4BadChecksum},
      {"Ipv4LengthBeyondFrame", [](FrameSpec& s) { s.ip_length = 57; }, DropReason::kIpBadLength},
      {"Ipv4LengthBelowUdpHeader", [](FrameSpec& s) { s.ip_length = 27; },
       DropReason::kIpBadLength},
      {"Ipv4TtlZero", [](FrameSpec& s) { s.ttl = 0; }, DropReason::kTtlExpired},
      {"Ipv4Tcp", [](FrameSpec& s) { s.protocol = 6; }, DropReason::kNotUdp},
      {"Ipv6HopByHopHeader",
       [](FrameSpec& s) {
         s = v6_spec();
         s.protocol = 0;
       },
       DropReason::kIpv6ExtHeader},
      {"Ipv6PayloadBeyondFrame",
       [](FrameSpec& s) {
         s = v6_spec();
         s.ip_length = 37;
       },
       DropReason::kIpBadLength},
      {"Ipv6PayloadBelowUdpHeader",
       [](FrameSpec& s) {
         s = v6_spec();
         s.ip_length = 7;
       },
       DropReason::kIpBadLength},
      {"Ipv6HopLimitZero",
       [](FrameSpec& s) {
         s = v6_spec();
         s.ttl = 0;
       },
       DropReason::kTtlExpired},
      {"NotServiceAddress", [](FrameSpec& s) { s.dst = ip("10.0.0.9"); },
       DropReason::kNotServiceAddress},
      {"Ipv6NotServiceAddress",
       [](FrameSpec& s) {
         s = v6_spec();
         s.dst = ip("fd00::9");
       },
       DropReason::kNotServiceAddress},
      {"WrongPort", [](FrameSpec& s) { s.udp_dst = 4790; }, DropReason::kWrongPort},
      {"UdpLengthBelowVxlanHeader", [](FrameSpec& s) { s.udp_length = 15; },
       DropReason::kUdpBadLength},
      {"UdpLengthBeyondIpPayload", [](FrameSpec& s) { s.udp_length = 37; },
       DropReason::kUdpBadLength},
      {"VxlanIFlagClear", [](FrameSpec& s) { s.vxlan_flags = 0x00; }, DropReason::kVxlanBadFlags},
      {"VxlanOtherFlagsOnly", [](FrameSpec& s) { s.vxlan_flags = 0xF7; },
       DropReason::kVxlanBadFlags},
      {"InnerFrame13Bytes", [](FrameSpec& s) { s.inner = test::inner_of_len(13); },
       DropReason::kInnerTooShort},
      {"InnerFrameEmpty", [](FrameSpec& s) { s.inner.clear(); }, DropReason::kInnerTooShort},
      // Order of checks: the first failing one in the documented order wins.
      {"FragmentBeforeChecksum",
       [](FrameSpec& s) {
         s.flags_frag = 0x2000;
         s.corrupt_ip_checksum = true;
       },
       DropReason::kIpv4Fragment},
      {"ChecksumBeforeLength",
       [](FrameSpec& s) {
         s.ip_length = 27;
         s.corrupt_ip_checksum = true;
       },
       DropReason::kIpv4BadChecksum},
      {"TtlBeforeProtocol",
       [](FrameSpec& s) {
         s.ttl = 0;
         s.protocol = 6;
       },
       DropReason::kTtlExpired},
      {"ServiceAddressBeforePort",
       [](FrameSpec& s) {
         s.dst = ip("10.0.0.9");
         s.udp_dst = 1;
       },
       DropReason::kNotServiceAddress},
      {"PortBeforeUdpLength",
       [](FrameSpec& s) {
         s.udp_dst = 1;
         s.udp_length = 3;
       },
       DropReason::kWrongPort},
      {"FlagsBeforeInnerLength",
       [](FrameSpec& s) {
         s.vxlan_flags = 0;
         s.inner.clear();
       },
       DropReason::kVxlanBadFlags},
  };
}

class FrameParserDrop : public ::testing::TestWithParam<DropCase> {};

TEST_P(FrameParserDrop, DropsWithReason) {
  ParseConfig cfg;
  cfg.service_addrs[0] = ip("10.0.0.254");
  cfg.service_addrs[1] = ip("fd00::fe");
  cfg.service_addr_count = 2;
  FrameSpec s;
  GetParam().edit(s);
  const ParsedFrame p = parse(build_frame(s), cfg);
  EXPECT_EQ(drop_reason_label(p.drop), std::string(drop_reason_label(GetParam().expected)));
}

INSTANTIATE_TEST_SUITE_P(Cases, FrameParserDrop, ::testing::ValuesIn(drop_cases()),
                         [](const auto& info) { return info.param.name; });

TEST(FrameParser, EveryParseDropReasonIsCovered) {
  std::set<DropReason> covered;
  for (const DropCase& c : drop_cases()) covered.insert(c.expected);
  for (DropReason r :
       {DropReason::kTooShort, DropReason::kUnknownEtherType, DropReason::kIpBadVersion,
        DropReason::kIpv4Options, DropReason::kIpv4Fragment, DropReason::kIpv4BadChecksum,
        DropReason::kIpBadLength, DropReason::kTtlExpired, DropReason::kIpv6ExtHeader,
        DropReason::kNotUdp, DropReason::kNotServiceAddress, DropReason::kWrongPort,
        DropReason::kUdpBadLength, DropReason::kVxlanBadFlags, DropReason::kInnerTooShort}) {
    EXPECT_TRUE(covered.count(r)) << drop_reason_label(r);
  }
}

TEST(FrameParser, EmptyFrameIsTooShort) {
  const std::vector<uint8_t> none;
  EXPECT_EQ(parse(none).drop, DropReason::kTooShort);
}

}  // namespace
}  // namespace vxsn
