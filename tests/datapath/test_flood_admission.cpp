// What the reference datapath lets into replication: the per-VNI source check (strict,
// learn, open) and the storm policers (per VNI, per source VTEP), each refusal counted
// globally and per VNI. Time is given explicitly (FloodGuard::now_ns), so the policer's
// arithmetic is checked exactly, not against a wall clock.
#include <gtest/gtest.h>

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

constexpr uint64_t kMs = 1000000;

MemberSpec member(const char* addr) {
  return MemberSpec{ip(addr), true, mac("02:00:00:00:00:02"), 0};
}

struct Node {
  VniCounters vni100, vni200;
  DatapathCounters counters;
  FloodGuard guard;
  std::unique_ptr<FloodTable> table;
  CollectingSink sink;

  Node(VniPolicy p100, VniPolicy p200 = {}, StormParams storm = {}) {
    ReplicationParams params;
    params.storm = storm;
    table = FloodTableBuilder()
                .set_params(params)
                .set_egress_ports({EgressPort{mac("02:aa:00:00:00:00"), 9216}})
                .add_vni(100, {member("10.0.0.1"), member("10.0.0.2"), member("10.0.0.3")}, &vni100,
                         p100)
                .add_vni(200, {member("10.0.0.1"), member("10.0.0.2")}, &vni200, p200)
                .build();
  }
  // Copies made from one frame of `src` into `vni` at `now_ms`.
  unsigned send(const char* src, uint32_t vni = 100, uint64_t now_ms = 0, size_t inner = 0) {
    FrameSpec s;
    s.src = ip(src);
    s.vni = vni;
    if (inner) s.inner.resize(inner, 0x55);
    const std::vector<uint8_t> frame = build_frame(s);
    guard.now_ns = now_ms * kMs;
    return process_frame(std::span<const uint8_t>(frame), ParseConfig{}, *table, counters, sink,
                         nullptr, &guard);
  }
  uint64_t drops(DropReason r) const { return counters.snapshot().drop(r); }
};

VniPolicy with_check(SourceCheck c) {
  VniPolicy p;
  p.source_check = c;
  return p;
}

VniPolicy with_storm(uint64_t frames_per_s, uint64_t bytes_per_s = 0) {
  VniPolicy p;
  p.storm = {frames_per_s, bytes_per_s};
  return p;
}

TEST(SourceCheck, StrictDropsAStrangersFloodsAndCountsThemPerVni) {
  Node n(with_check(SourceCheck::kStrict));
  EXPECT_EQ(n.send("10.9.9.9"), 0u);
  EXPECT_EQ(n.send("10.9.9.9"), 0u);
  EXPECT_TRUE(n.sink.copies.empty());
  EXPECT_EQ(n.drops(DropReason::kSourceNotMember), 2u);
  EXPECT_EQ(n.vni100.snapshot().source_not_member, 2u);
  EXPECT_EQ(n.vni100.snapshot().frames_in, 2u);  // offered load stays visible
  EXPECT_EQ(n.vni100.snapshot().copies_out, 0u);
}

TEST(SourceCheck, StrictReplicatesAMembersFloodsToTheOthers) {
  Node n(with_check(SourceCheck::kStrict));
  EXPECT_EQ(n.send("10.0.0.2"), 2u);
  EXPECT_EQ(n.drops(DropReason::kSourceNotMember), 0u);
}

TEST(SourceCheck, LearnModeForwardsNothingFromANonMemberEither) {
  Node n(with_check(SourceCheck::kLearn));
  EXPECT_EQ(n.send("10.9.9.9"), 0u);
  EXPECT_EQ(n.send("10.0.0.1"), 2u);
  EXPECT_EQ(n.vni100.snapshot().source_not_member, 1u);
}

TEST(SourceCheck, OpenReplicatesFromAnyone) {
  Node n(with_check(SourceCheck::kOpen));
  EXPECT_EQ(n.send("10.9.9.9"), 3u);
  EXPECT_EQ(n.drops(DropReason::kSourceNotMember), 0u);
}

TEST(SourceCheck, ModesArePerVni) {
  Node n(with_check(SourceCheck::kStrict), with_check(SourceCheck::kOpen));
  EXPECT_EQ(n.send("10.9.9.9", 100), 0u);
  EXPECT_EQ(n.send("10.9.9.9", 200), 2u);
}

TEST(StormControl, VniFramePolicerPassesTheBurstThenTheRate) {
  // 100 frames/s, bucket 100 ms deep = 10 frames; then one every 10 ms.
  Node n(with_storm(100));
  unsigned passed = 0;
  for (int i = 0; i < 50; ++i) passed += n.send("10.0.0.1") > 0;
  EXPECT_EQ(passed, 10u);
  EXPECT_EQ(n.drops(DropReason::kStormPoliced), 40u);
  EXPECT_EQ(n.vni100.snapshot().storm_policed, 40u);
  // 50 ms later: 5 tokens back.
  passed = 0;
  for (int i = 0; i < 20; ++i) passed += n.send("10.0.0.1", 100, 50) > 0;
  EXPECT_EQ(passed, 5u);
  // A long silence refills to the depth, never beyond it.
  passed = 0;
  for (int i = 0; i < 50; ++i) passed += n.send("10.0.0.1", 100, 10000) > 0;
  EXPECT_EQ(passed, 10u);
}

TEST(StormControl, VniBytePolicerCountsFrameBytes) {
  // 100 kB/s over 100 ms = 10 kB: frames of 1000 inner bytes are 1070 bytes on the wire.
  Node n(with_storm(0, 100000));
  unsigned passed = 0;
  for (int i = 0; i < 30; ++i) passed += n.send("10.0.0.1", 100, 0, 1000) > 0;
  EXPECT_EQ(passed, 9u);  // 9 * 1070 <= 10000 < 10 * 1070
}

TEST(StormControl, APolicedVniDoesNotStarveAQuietOne) {
  Node n(with_storm(100), with_storm(100));
  for (int i = 0; i < 1000; ++i) n.send("10.0.0.1", 100);  // VNI 100 storms
  unsigned quiet = 0;
  for (int i = 0; i < 5; ++i) quiet += n.send("10.0.0.2", 200) > 0;
  EXPECT_EQ(quiet, 5u);
  EXPECT_EQ(n.vni200.snapshot().storm_policed, 0u);
  EXPECT_EQ(n.vni100.snapshot().storm_policed, 990u);
}

TEST(StormControl, VtepPolicerLimitsOneSenderAcrossVnisNotTheOthers) {
  StormParams storm;
  storm.per_vtep = {100, 0};  // 10 frames per 100 ms burst
  Node n(VniPolicy{}, VniPolicy{}, storm);
  unsigned loud = 0;
  for (int i = 0; i < 20; ++i) loud += n.send("10.0.0.1", i % 2 ? 100 : 200) > 0;
  EXPECT_EQ(loud, 10u);
  unsigned other = 0;
  for (int i = 0; i < 10; ++i) other += n.send("10.0.0.2", 100) > 0;
  EXPECT_EQ(other, 10u);
  EXPECT_EQ(n.drops(DropReason::kStormPoliced), 10u);
}

TEST(StormControl, WithoutAGuardNothingIsPoliced) {
  Node n(with_storm(1));
  FrameSpec s;
  const std::vector<uint8_t> frame = build_frame(s);
  for (int i = 0; i < 10; ++i)
    EXPECT_EQ(
        process_frame(std::span<const uint8_t>(frame), ParseConfig{}, *n.table, n.counters, n.sink),
        2u);
}

TEST(StormControl, SourceCheckComesBeforeThePolicer) {
  // A stranger's storm under strict checking spends none of the members' budget.
  Node n([] {
    VniPolicy p = with_storm(100);
    p.source_check = SourceCheck::kStrict;
    return p;
  }());
  for (int i = 0; i < 100; ++i) n.send("10.9.9.9");
  unsigned passed = 0;
  for (int i = 0; i < 10; ++i) passed += n.send("10.0.0.1") > 0;
  EXPECT_EQ(passed, 10u);
  EXPECT_EQ(n.drops(DropReason::kSourceNotMember), 100u);
  EXPECT_EQ(n.drops(DropReason::kStormPoliced), 0u);
}

}  // namespace
}  // namespace vxsn
