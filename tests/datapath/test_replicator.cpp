// replicate / process_frame: exact copy bytes (written literally), checksums verified by
// independent computation, split horizon, source modes, unresolved members, jumbo frames,
// mixed families, buffer exhaustion and the per-frame drops.
#include <gtest/gtest.h>

#include <cstring>

#include "host/datapath/replicator.hpp"
#include "tests/datapath/test_frames.hpp"
#include "tests/datapath/test_sinks.hpp"

namespace vxsn {
namespace {

using test::build_frame;
using test::CollectingSink;
using test::FrameSpec;
using test::ip;
using test::mac;

using Bytes = std::vector<uint8_t>;

MemberSpec resolved(const char* addr, const char* nh, uint16_t port) {
  return MemberSpec{ip(addr), true, mac(nh), port};
}
MemberSpec unresolved(const char* addr) {
  return MemberSpec{ip(addr), false, {}, 0};
}

ReplicationParams keep_original() {
  ReplicationParams p;
  p.source_mode = SourceIpMode::kKeepOriginal;
  p.own_v4 = ip("10.0.0.254");
  p.own_v6 = ip("fd00::fe");
  return p;
}

std::vector<EgressPort> two_ports(uint32_t max0 = 9216, uint32_t max1 = 9216) {
  return {EgressPort{mac("02:aa:00:00:00:00"), max0}, EgressPort{mac("02:bb:00:00:00:00"), max1}};
}

std::unique_ptr<FloodTable> table_with(uint32_t vni, std::vector<MemberSpec> members,
                                       ReplicationParams params = keep_original(),
                                       std::vector<EgressPort> ports = two_ports(),
                                       VniCounters* counters = nullptr) {
  return FloodTableBuilder()
      .set_params(params)
      .set_egress_ports(std::move(ports))
      .add_vni(vni, std::move(members), counters)
      .build();
}

struct RunResult {
  unsigned returned = 0;
  CollectingSink sink;
  DatapathCountersSnapshot counters;
};

RunResult run(const Bytes& frame, const FloodTable& table) {
  RunResult r;
  DatapathCounters c;
  r.returned = process_frame(std::span<const uint8_t>(frame), ParseConfig{}, table, c, r.sink);
  r.counters = c.snapshot();
  return r;
}

const uint8_t* ip_of(const Bytes& copy, bool tagged = false) {
  return copy.data() + 14 + (tagged ? 4 : 0);
}

// The 28 bytes every copy of the default FrameSpec ends with: VXLAN header (VNI 100) and
// the 20-byte inner frame.
const Bytes kVxlanAndInner = {0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x64, 0x00,  // VXLAN
                              0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x52, 0x54, 0x00, 0x00,
                              0x00, 0x01, 0x08, 0x06, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06};

Bytes concat(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

TEST(Replicator, Ipv4MemberCopyIsExact) {
  auto table = table_with(100, {resolved("10.0.0.1", "02:00:00:00:00:01", 0),
                                resolved("10.0.0.2", "02:00:00:00:00:02", 0)});
  RunResult r = run(build_frame(FrameSpec{}), *table);
  ASSERT_EQ(r.returned, 1u);
  ASSERT_EQ(r.sink.copies.size(), 1u);
  const Bytes expected = concat(
      {
          0x02, 0x00, 0x00, 0x00, 0x00, 0x02,  // next hop
          0x02, 0xaa, 0x00, 0x00, 0x00, 0x00,  // port 0 MAC
          0x08, 0x00,                          // IPv4
          0x45, 0x00, 0x00, 0x38,              // v4, IHL 5, TOS 0, total length 56
          0x00, 0x00, 0x40, 0x00,              // id 0, DF
          0x40, 0x11, 0x26, 0xb3,              // TTL 64, UDP, checksum
          0x0a, 0x00, 0x00, 0x01,              // source: the sending VTEP (kept)
          0x0a, 0x00, 0x00, 0x02,              // member
          0x9c, 0x4f, 0x12, 0xb5,              // source port 40015 kept, 4789
          0x00, 0x24, 0x00, 0x00,              // UDP length 36, checksum 0
      },
      kVxlanAndInner);
  EXPECT_EQ(r.sink.copies[0].bytes, expected);
  EXPECT_TRUE(r.sink.copies[0].committed);
  EXPECT_EQ(r.sink.copies[0].port, 0);
  EXPECT_EQ(test::reference_checksum(ip_of(r.sink.copies[0].bytes), 20), 0)
      << "header with its checksum must sum to 0xFFFF";
  EXPECT_EQ(r.counters.tx_copies, 1u);
  EXPECT_EQ(r.counters.tx_bytes, 70u);
  EXPECT_EQ(r.counters.rx_frames, 1u);
  EXPECT_EQ(r.counters.rx_bytes, 70u);
}

TEST(Replicator, Ipv6MemberCopyIsExact) {
  // IPv4 in, IPv6 out: the ingress source cannot be kept, the own IPv6 address is used.
  auto table = table_with(100, {resolved("10.0.0.1", "02:00:00:00:00:01", 0),
                                resolved("fd00::3", "02:00:00:00:00:03", 1)});
  RunResult r = run(build_frame(FrameSpec{}), *table);
  ASSERT_EQ(r.returned, 1u);
  const Bytes expected = concat(
      {
          0x02, 0x00, 0x00, 0x00, 0x00, 0x03,  // next hop
          0x02, 0xbb, 0x00, 0x00, 0x00, 0x00,  // port 1 MAC
          0x86, 0xdd,                          // IPv6
          0x60, 0x00, 0x00, 0x00,              // v6, traffic class 0, flow label 0
          0x00, 0x24, 0x11, 0x40,              // payload 36, UDP, hop limit 64
          0xfd, 0x00, 0,    0,    0,    0,    0, 0, 0, 0, 0, 0, 0, 0, 0, 0xfe,  // own fd00::fe
          0xfd, 0x00, 0,    0,    0,    0,    0, 0, 0, 0, 0, 0, 0, 0, 0, 0x03,  // member fd00::3
          0x9c, 0x4f, 0x12, 0xb5,                                               // ports
          0x00, 0x24, 0x86, 0x37,  // length 36, checksum
      },
      kVxlanAndInner);
  const Bytes& copy = r.sink.copies.at(0).bytes;
  EXPECT_EQ(copy, expected);
  EXPECT_EQ(r.sink.copies[0].port, 1);
  Bytes udp(copy.begin() + 54, copy.end());
  udp[6] = udp[7] = 0;
  EXPECT_EQ(
      test::reference_udp6_checksum(copy.data() + 22, copy.data() + 38, udp.data(), udp.size()),
      0x8637);
}

TEST(Replicator, Ipv6InIpv6OutKeepsSourceAndChecksumVerifies) {
  FrameSpec s;
  s.src = ip("fd00::1");
  s.dst = ip("fd00::fe");
  s.inner = test::inner_of_len(61);  // odd payload length exercises the trailing byte
  auto table = table_with(100, {resolved("fd00::1", "02:00:00:00:00:01", 0),
                                resolved("fd00::2", "02:00:00:00:00:02", 0)});
  RunResult r = run(build_frame(s), *table);
  ASSERT_EQ(r.returned, 1u);
  const Bytes& copy = r.sink.copies[0].bytes;
  ASSERT_EQ(copy.size(), 14u + 40 + 8 + 8 + 61);
  const IpAddr src = ip("fd00::1"), dst = ip("fd00::2");
  EXPECT_EQ(std::memcmp(copy.data() + 22, src.bytes.data(), 16), 0);
  EXPECT_EQ(std::memcmp(copy.data() + 38, dst.bytes.data(), 16), 0);
  // A correct checksum makes the whole pseudo-header + datagram sum to 0xFFFF.
  EXPECT_EQ(test::reference_udp6_checksum(copy.data() + 22, copy.data() + 38, copy.data() + 54,
                                          copy.size() - 54),
            0);
  EXPECT_NE(copy[60] | copy[61], 0) << "IPv6 UDP checksum must not be zero";
}

TEST(Replicator, OwnAddressModeUsesOwnIpv4Source) {
  ReplicationParams params = keep_original();
  params.source_mode = SourceIpMode::kOwnAddress;
  auto table = table_with(100, {resolved("10.0.0.2", "02:00:00:00:00:02", 0)}, params);
  RunResult r = run(build_frame(FrameSpec{}), *table);
  ASSERT_EQ(r.returned, 1u);
  const Bytes& copy = r.sink.copies[0].bytes;
  const Bytes ip_header(copy.begin() + 14, copy.begin() + 34);
  const Bytes expected_ip = {0x45, 0x00, 0x00, 0x38, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                             0x25, 0xb6, 0x0a, 0x00, 0x00, 0xfe, 0x0a, 0x00, 0x00, 0x02};
  EXPECT_EQ(ip_header, expected_ip);
  EXPECT_EQ(test::reference_checksum(ip_header.data(), 20), 0);
}

TEST(Replicator, OwnAddressModeUsesOwnIpv6Source) {
  ReplicationParams params = keep_original();
  params.source_mode = SourceIpMode::kOwnAddress;
  FrameSpec s;
  s.src = ip("fd00::1");
  s.dst = ip("fd00::fe");
  auto table = table_with(100, {resolved("fd00::2", "02:00:00:00:00:02", 0)}, params);
  RunResult r = run(build_frame(s), *table);
  ASSERT_EQ(r.returned, 1u);
  const Bytes& copy = r.sink.copies[0].bytes;
  EXPECT_EQ(std::memcmp(copy.data() + 22, ip("fd00::fe").bytes.data(), 16), 0);
  EXPECT_EQ(test::reference_udp6_checksum(copy.data() + 22, copy.data() + 38, copy.data() + 54,
                                          copy.size() - 54),
            0);
}

TEST(Replicator, TtlAndPortFromParams) {
  ReplicationParams params = keep_original();
  params.ttl = 7;
  params.vxlan_port = 8472;
  auto table = table_with(
      100,
      {resolved("10.0.0.2", "02:00:00:00:00:02", 0), resolved("fd00::2", "02:00:00:00:00:02", 0)},
      params);
  RunResult r = run(build_frame(FrameSpec{}), *table);
  ASSERT_EQ(r.returned, 2u);
  const Bytes& v4 = r.sink.copies[0].bytes;
  EXPECT_EQ(v4[22], 7);
  EXPECT_EQ(v4[36], 0x21);
  EXPECT_EQ(v4[37], 0x18);
  EXPECT_EQ(test::reference_checksum(v4.data() + 14, 20), 0);
  const Bytes& v6 = r.sink.copies[1].bytes;
  EXPECT_EQ(v6[21], 7);
  EXPECT_EQ(v6[56], 0x21);
  EXPECT_EQ(v6[57], 0x18);
  EXPECT_EQ(
      test::reference_udp6_checksum(v6.data() + 22, v6.data() + 38, v6.data() + 54, v6.size() - 54),
      0);
}

TEST(Replicator, SplitHorizonSkipsTheSenderAndKeepsTableOrder) {
  auto table = table_with(100, {resolved("10.0.0.3", "02:00:00:00:00:03", 1),
                                resolved("10.0.0.1", "02:00:00:00:00:01", 0),
                                resolved("10.0.0.2", "02:00:00:00:00:02", 0)});
  RunResult r = run(build_frame(FrameSpec{}), *table);
  ASSERT_EQ(r.returned, 2u);
  ASSERT_EQ(r.sink.copies.size(), 2u);
  EXPECT_EQ(r.sink.copies[0].bytes[33], 3);  // last byte of the IP destination
  EXPECT_EQ(r.sink.copies[0].port, 1);
  EXPECT_EQ(r.sink.copies[1].bytes[33], 2);
  for (const auto& c : r.sink.copies) EXPECT_NE(c.bytes[5], 0x01) << "copy sent to the sender";
  EXPECT_EQ(r.counters.tx_copies, 2u);
  for (unsigned i = 0; i < kDropReasonCount; ++i) EXPECT_EQ(r.counters.drops[i], 0u);
}

TEST(Replicator, UnresolvedMemberIsSkippedAndCounted) {
  auto table =
      table_with(100, {resolved("10.0.0.1", "02:00:00:00:00:01", 0), unresolved("10.0.0.5"),
                       resolved("10.0.0.2", "02:00:00:00:00:02", 0), unresolved("fd00::5")});
  RunResult r = run(build_frame(FrameSpec{}), *table);
  EXPECT_EQ(r.returned, 1u);
  ASSERT_EQ(r.sink.copies.size(), 1u);
  EXPECT_EQ(r.sink.copies[0].bytes[33], 2);
  EXPECT_EQ(r.counters.drop(DropReason::kNoNextHop), 2u);
  EXPECT_EQ(r.counters.drop(DropReason::kNoOtherMember), 0u);
}

TEST(Replicator, JumboFrameCopiedWholeOrDroppedNeverTruncated) {
  FrameSpec s;
  s.inner = test::inner_of_len(9216 - 50);
  const Bytes frame = build_frame(s);
  ASSERT_EQ(frame.size(), 9216u);
  auto table = table_with(
      100,
      {resolved("10.0.0.2", "02:00:00:00:00:02", 0), resolved("10.0.0.3", "02:00:00:00:00:03", 1)},
      keep_original(), two_ports(9216, 3542));
  RunResult r = run(frame, *table);
  EXPECT_EQ(r.returned, 1u);
  ASSERT_EQ(r.sink.copies.size(), 1u);
  const Bytes& copy = r.sink.copies[0].bytes;
  ASSERT_EQ(copy.size(), 9216u);
  EXPECT_EQ(r.sink.copies[0].port, 0);
  EXPECT_TRUE(std::equal(copy.begin() + 42, copy.end(), frame.begin() + 42))
      << "VXLAN header and inner frame must be copied whole";
  EXPECT_EQ(copy[16], 0x23);  // total length 9202
  EXPECT_EQ(copy[17], 0xf2);
  EXPECT_EQ(copy[38], 0x23);  // UDP length 9182
  EXPECT_EQ(copy[39], 0xde);
  EXPECT_EQ(test::reference_checksum(copy.data() + 14, 20), 0);
  EXPECT_EQ(r.counters.drop(DropReason::kFrameTooLarge), 1u);
  EXPECT_EQ(r.counters.tx_bytes, 9216u);
}

TEST(Replicator, MixedFamiliesInOneVni) {
  FrameSpec s;  // IPv6 in from a VTEP that is not a member
  s.src = ip("fd00::99");
  s.dst = ip("fd00::fe");
  const Bytes frame = build_frame(s);
  auto table = table_with(
      100,
      {resolved("10.0.0.2", "02:00:00:00:00:02", 0), resolved("fd00::2", "02:00:00:00:00:12", 1),
       resolved("10.0.0.3", "02:00:00:00:00:03", 0), resolved("fd00::3", "02:00:00:00:00:13", 1)});
  RunResult r = run(frame, *table);
  ASSERT_EQ(r.returned, 4u);
  const Bytes payload(frame.begin() + 62, frame.end());
  for (unsigned i = 0; i < 4; ++i) {
    const Bytes& copy = r.sink.copies[i].bytes;
    const bool v6 = i % 2 == 1;
    SCOPED_TRACE(i);
    ASSERT_EQ(copy.size(), v6 ? 90u : 70u);
    EXPECT_EQ(copy[12], v6 ? 0x86 : 0x08);
    EXPECT_EQ(copy[13], v6 ? 0xdd : 0x00);
    const size_t payload_at = v6 ? 62 : 42;
    EXPECT_TRUE(std::equal(payload.begin(), payload.end(), copy.begin() + payload_at));
    if (v6) {
      // Same family as the ingress: the original source is kept.
      EXPECT_EQ(std::memcmp(copy.data() + 22, ip("fd00::99").bytes.data(), 16), 0);
      EXPECT_EQ(test::reference_udp6_checksum(copy.data() + 22, copy.data() + 38, copy.data() + 54,
                                              copy.size() - 54),
                0);
    } else {
      // IPv6 in, IPv4 out: own IPv4 address.
      const Bytes src(copy.begin() + 26, copy.begin() + 30);
      EXPECT_EQ(src, (Bytes{10, 0, 0, 254}));
      EXPECT_EQ(test::reference_checksum(copy.data() + 14, 20), 0);
    }
  }
}

TEST(Replicator, CrossFamilyWithoutOwnAddressIsDropped) {
  ReplicationParams params = keep_original();
  params.own_v6 = IpAddr{};
  auto table = table_with(
      100,
      {resolved("fd00::2", "02:00:00:00:00:02", 0), resolved("10.0.0.2", "02:00:00:00:00:02", 0)},
      params);
  RunResult r = run(build_frame(FrameSpec{}), *table);
  EXPECT_EQ(r.returned, 1u);
  EXPECT_EQ(r.sink.copies.at(0).bytes[12], 0x08);
  EXPECT_EQ(r.counters.drop(DropReason::kNoNextHop), 1u);
}

TEST(Replicator, NoBufferCountsEveryCopyAndCommitsNothing) {
  auto table = table_with(100, {resolved("10.0.0.2", "02:00:00:00:00:02", 0),
                                resolved("10.0.0.3", "02:00:00:00:00:03", 1),
                                resolved("fd00::3", "02:00:00:00:00:03", 1)});
  DatapathCounters c;
  test::EmptyPoolSink sink;
  const Bytes frame = build_frame(FrameSpec{});
  EXPECT_EQ(process_frame(std::span<const uint8_t>(frame), ParseConfig{}, *table, c, sink), 0u);
  EXPECT_EQ(sink.acquires, 3u);
  EXPECT_EQ(sink.commits, 0u);
  EXPECT_EQ(c.snapshot().drop(DropReason::kNoBuffer), 3u);
  EXPECT_EQ(c.snapshot().tx_copies, 0u);
}

TEST(Replicator, UnknownVniCountedOncePerFrame) {
  auto table = table_with(200, {resolved("10.0.0.2", "02:00:00:00:00:02", 0)});
  RunResult r = run(build_frame(FrameSpec{}), *table);
  EXPECT_EQ(r.returned, 0u);
  EXPECT_TRUE(r.sink.copies.empty());
  EXPECT_EQ(r.counters.drop(DropReason::kUnknownVni), 1u);
}

TEST(Replicator, SenderAloneOrEmptyVniIsNoOtherMember) {
  auto alone = table_with(100, {resolved("10.0.0.1", "02:00:00:00:00:01", 0)});
  RunResult r = run(build_frame(FrameSpec{}), *alone);
  EXPECT_EQ(r.returned, 0u);
  EXPECT_EQ(r.counters.drop(DropReason::kNoOtherMember), 1u);
  auto empty = table_with(100, {});
  RunResult e = run(build_frame(FrameSpec{}), *empty);
  EXPECT_EQ(e.counters.drop(DropReason::kNoOtherMember), 1u);
}

TEST(Replicator, IngressVlanTagIsCarried) {
  FrameSpec s;
  s.vlan_tci = 0xA064;
  auto table = table_with(100, {resolved("10.0.0.2", "02:00:00:00:00:02", 0),
                                resolved("fd00::2", "02:00:00:00:00:02", 0)});
  RunResult r = run(build_frame(s), *table);
  ASSERT_EQ(r.returned, 2u);
  const Bytes& v4 = r.sink.copies[0].bytes;
  ASSERT_EQ(v4.size(), 74u);
  EXPECT_EQ(Bytes(v4.begin() + 12, v4.begin() + 18), (Bytes{0x81, 0x00, 0xa0, 0x64, 0x08, 0x00}));
  EXPECT_EQ(test::reference_checksum(v4.data() + 18, 20), 0);
  EXPECT_EQ(Bytes(v4.begin() + 46, v4.end()), kVxlanAndInner);
  const Bytes& v6 = r.sink.copies[1].bytes;
  ASSERT_EQ(v6.size(), 94u);
  EXPECT_EQ(Bytes(v6.begin() + 12, v6.begin() + 18), (Bytes{0x81, 0x00, 0xa0, 0x64, 0x86, 0xdd}));
  EXPECT_EQ(
      test::reference_udp6_checksum(v6.data() + 26, v6.data() + 42, v6.data() + 58, v6.size() - 58),
      0);
}

TEST(Replicator, EthernetPaddingIsNotCopied) {
  FrameSpec s;
  s.trailing = 10;
  auto table = table_with(100, {resolved("10.0.0.2", "02:00:00:00:00:02", 0)});
  RunResult r = run(build_frame(s), *table);
  ASSERT_EQ(r.returned, 1u);
  EXPECT_EQ(r.sink.copies[0].bytes.size(), 70u);
  EXPECT_EQ(Bytes(r.sink.copies[0].bytes.begin() + 42, r.sink.copies[0].bytes.end()),
            kVxlanAndInner);
}

TEST(Replicator, VxlanHeaderCopiedAsReceived) {
  FrameSpec s;
  s.vxlan_flags = 0x0C;
  s.vxlan_reserved1 = {1, 2, 3};
  s.vxlan_reserved2 = 4;
  auto table = table_with(100, {resolved("10.0.0.2", "02:00:00:00:00:02", 0)});
  RunResult r = run(build_frame(s), *table);
  ASSERT_EQ(r.returned, 1u);
  EXPECT_EQ(Bytes(r.sink.copies[0].bytes.begin() + 42, r.sink.copies[0].bytes.begin() + 50),
            (Bytes{0x0C, 1, 2, 3, 0x00, 0x00, 0x64, 4}));
}

TEST(Replicator, ParseDropsAreCountedByProcessFrame) {
  auto table = table_with(100, {resolved("10.0.0.2", "02:00:00:00:00:02", 0)});
  FrameSpec s;
  s.ttl = 0;
  RunResult r = run(build_frame(s), *table);
  EXPECT_EQ(r.returned, 0u);
  EXPECT_EQ(r.counters.rx_frames, 1u);
  EXPECT_EQ(r.counters.drop(DropReason::kTtlExpired), 1u);
  EXPECT_EQ(r.counters.tx_copies, 0u);
}

TEST(Replicator, VniCountersCountFramesAndCopies) {
  VniCounters vc;
  auto table = FloodTableBuilder()
                   .set_params(keep_original())
                   .set_egress_ports(two_ports())
                   .add_vni(100,
                            {resolved("10.0.0.2", "02:00:00:00:00:02", 0),
                             resolved("fd00::2", "02:00:00:00:00:02", 0), unresolved("10.0.0.9")},
                            &vc)
                   .build();
  DatapathCounters c;
  CollectingSink sink;
  const Bytes frame = build_frame(FrameSpec{});
  for (int i = 0; i < 3; ++i)
    process_frame(std::span<const uint8_t>(frame), ParseConfig{}, *table, c, sink);
  const VniCountersSnapshot v = vc.snapshot();
  EXPECT_EQ(v.frames_in, 3u);
  EXPECT_EQ(v.bytes_in, 3u * 70);
  EXPECT_EQ(v.copies_out, 6u);
  EXPECT_EQ(v.bytes_out, 3u * (70 + 90));
  EXPECT_EQ(c.snapshot().drop(DropReason::kNoNextHop), 3u);
}

}  // namespace
}  // namespace vxsn

namespace vxsn {
namespace {

// A burst through BurstLookahead (parsed and looked up ahead, in stages) gives exactly what
// the same frames give one by one through process_frame: the same copies in the same order,
// the same counters; with frames of several VNIs, an unknown VNI, a malformed one and IPv6.
TEST(Replicator, BurstLookaheadReplicatesAsFrameByFrame) {
  VniCounters by_frame_vni, by_burst_vni;
  auto table = [](VniCounters* counters) {
    FloodTableBuilder b;
    b.set_params(keep_original()).set_egress_ports(two_ports());
    for (uint32_t vni = 100; vni < 110; ++vni)
      b.add_vni(vni,
                {resolved("10.0.0.1", "02:00:00:00:00:01", 0),
                 resolved("10.0.0.2", "02:00:00:00:00:02", 1),
                 resolved("fd00::3", "02:00:00:00:00:03", 0), unresolved("10.0.0.4")},
                vni == 105 ? counters : nullptr);
    return b.build();
  };
  const auto frame_table = table(&by_frame_vni);
  const auto burst_table = table(&by_burst_vni);
  std::vector<Bytes> frames;
  for (uint32_t i = 0; i < 20; ++i) {
    FrameSpec s;
    s.vni = 100 + (i * 7) % 12;  // 110 and 111 are not in the table
    if (i % 5 == 1) s.src = ip("10.0.0.2");
    if (i % 6 == 2) {
      s.src = ip("fd00::1");
      s.dst = ip("fd00::fe");
    }
    if (i == 9) s.udp_dst = 4790;  // not VXLAN: dropped by the parser
    frames.push_back(build_frame(s));
  }
  ParseConfig cfg;
  set_service_addresses(cfg, {ip("10.0.0.254"), ip("fd00::fe")});

  DatapathCounters frame_counters, burst_counters;
  CollectingSink frame_sink, burst_sink;
  unsigned frame_copies = 0, burst_copies = 0;
  for (const Bytes& f : frames)
    frame_copies +=
        process_frame(std::span<const uint8_t>(f), cfg, *frame_table, frame_counters, frame_sink);
  std::vector<std::span<const uint8_t>> spans(frames.begin(), frames.end());
  BurstLookahead<32> burst;
  burst.prepare(spans.data(), spans.size(), cfg, *burst_table);
  for (size_t i = 0; i < spans.size(); ++i)
    burst_copies += burst.process(i, *burst_table, burst_counters, burst_sink);

  EXPECT_GT(frame_copies, 20u);
  EXPECT_EQ(burst_copies, frame_copies);
  ASSERT_EQ(burst_sink.copies.size(), frame_sink.copies.size());
  for (size_t i = 0; i < frame_sink.copies.size(); ++i) {
    EXPECT_EQ(burst_sink.copies[i].port, frame_sink.copies[i].port) << i;
    EXPECT_EQ(burst_sink.copies[i].bytes, frame_sink.copies[i].bytes) << i;
  }
  const DatapathCountersSnapshot a = frame_counters.snapshot(), b = burst_counters.snapshot();
  EXPECT_EQ(b.rx_frames, a.rx_frames);
  EXPECT_EQ(b.rx_bytes, a.rx_bytes);
  EXPECT_EQ(b.tx_copies, a.tx_copies);
  EXPECT_EQ(b.tx_bytes, a.tx_bytes);
  EXPECT_EQ(b.drops, a.drops);
  EXPECT_GT(a.drops[static_cast<size_t>(DropReason::kUnknownVni)], 0u);
  EXPECT_EQ(by_burst_vni.snapshot().frames_in, by_frame_vni.snapshot().frames_in);
  EXPECT_EQ(by_burst_vni.snapshot().bytes_in, by_frame_vni.snapshot().bytes_in);
  EXPECT_EQ(by_burst_vni.snapshot().copies_out, by_frame_vni.snapshot().copies_out);
  EXPECT_EQ(by_burst_vni.snapshot().bytes_out, by_frame_vni.snapshot().bytes_out);
  EXPECT_GT(by_frame_vni.snapshot().frames_in, 0u);
}

}  // namespace
}  // namespace vxsn
