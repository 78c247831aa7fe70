// The node-only benchmark's generator frames are what a VTEP sends: vxsnd's own parser
// accepts them for the service address, with the VNI, source and flow port they were built
// with.
#include <gtest/gtest.h>

#include <stdexcept>

#include "host/datapath/frame_parser.hpp"
#include "tests/bench/node_frames.hpp"

namespace vxsn::test {
namespace {

VxlanFrameSpec spec() {
  VxlanFrameSpec s;
  s.dst_mac = parse_mac("02:99:00:00:00:fe");
  s.src_mac = parse_mac("02:00:00:00:00:01");
  s.src_ip = parse_ipv4("10.99.0.11");
  s.dst_ip = parse_ipv4("10.99.0.254");
  s.vni = 123456;
  s.src_port = 49999;
  s.inner_len = 64;
  return s;
}

TEST(NodeFrames, ParseAsVxlanToTheServiceAddress) {
  const std::vector<uint8_t> frame = vxlan_frame(spec());
  ASSERT_EQ(frame.size(), 14u + 20 + 8 + 8 + 64);
  ParseConfig cfg;
  set_service_addresses(cfg, {*IpAddr::parse("10.99.0.254")});
  const ParsedFrame p = parse_frame(frame, cfg);
  EXPECT_EQ(p.drop, DropReason::kNone);
  EXPECT_EQ(p.vni, 123456u);
  EXPECT_EQ(p.src_vtep, *IpAddr::parse("10.99.0.11"));
  EXPECT_EQ(p.udp_src_port, 49999);
  EXPECT_EQ(p.inner_len, 64);
  EXPECT_EQ(frame[0], 0x02);
  EXPECT_EQ(frame[5], 0xfe);
  EXPECT_EQ(frame[11], 0x01);
}

TEST(NodeFrames, ACorruptedHeaderFailsTheChecksum) {
  std::vector<uint8_t> frame = vxlan_frame(spec());
  frame[14 + 8] ^= 1;  // TTL changed, checksum not
  EXPECT_EQ(parse_frame(frame, ParseConfig{}).drop, DropReason::kIpv4BadChecksum);
}

TEST(NodeFrames, BadAddressTextIsRefusedByName) {
  EXPECT_THROW(parse_mac("02:00:00:00:00"), std::invalid_argument);
  EXPECT_THROW(parse_mac("02:00:00:00:00:100"), std::invalid_argument);
  EXPECT_THROW(parse_ipv4("10.0.0.256"), std::invalid_argument);
  try {
    parse_ipv4("nope");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("'nope'"), std::string::npos);
  }
}

}  // namespace
}  // namespace vxsn::test
