// The card's admission against the reference's, frame by frame and counter by counter: the
// per-VNI source check (strict, learn, open) and the storm policers (per source VTEP and per
// VNI, frames/s and bytes/s) on a clock both sides read from the corpus.
#include <gtest/gtest.h>

#include <random>
#include <set>
#include <tuple>

#include "sim/tools/vxlan_frame_builder.hpp"
#include "tests/csim/csim_bench.hpp"
#include "tests/csim/csim_fixtures.hpp"

namespace vxsn::csim {
namespace {

constexpr uint64_t kMs = 1000000;

VniPolicy check(SourceCheck mode) {
  VniPolicy p;
  p.source_check = mode;
  return p;
}

VniPolicy policed(uint64_t frames_per_s, uint64_t bytes_per_s) {
  VniPolicy p;
  p.storm.frames_per_s = frames_per_s;
  p.storm.bytes_per_s = bytes_per_s;
  return p;
}

std::vector<MemberSpec> three_members() {
  return {member(vtep_v4(1)), member(vtep_v4(2)), member(vtep_v6(3), 1)};
}

TEST(CsimFloodPolicy, SourceCheckPerModeMatchesTheReference) {
  CsimBench bench(service_parse_config());
  FloodTableBuilder b;
  b.set_params(replication_params(SourceIpMode::kKeepOriginal, true))
      .set_egress_ports(egress_ports());
  b.add_vni(100, three_members(), bench.vni_counters(100), check(SourceCheck::kStrict));
  b.add_vni(200, three_members(), bench.vni_counters(200), check(SourceCheck::kLearn));
  b.add_vni(300, three_members(), bench.vni_counters(300), check(SourceCheck::kOpen));
  bench.load(0, b.build());

  // Members and strangers of both families, tagged and untagged.
  const std::vector<IpAddr> senders = {vtep_v4(1), vtep_v6(3), vtep_v4(50), vtep_v6(51)};
  std::vector<CorpusFrame> corpus;
  uint32_t seed = 0;
  for (uint32_t vni : {100u, 200u, 300u})
    for (const IpAddr& src : senders)
      for (bool tagged : {false, true}) {
        sim::VxlanFrameSpec s = frame_spec(src, vni);
        if (tagged) s.vlan_tci = 0x0064;
        corpus.push_back({sim::build_vxlan_frame_of_size(s, 150 + seed, ++seed)});
      }
  bench.run("source_check", corpus);
  bench.expect_counters_equal();

  // Two strangers x two tags x (strict + learn): refused; open replicates them.
  EXPECT_EQ(bench.reference_counters().drop(DropReason::kSourceNotMember), 8u);
  // Learn events: strangers of learn and open VNIs, never of the strict one.
  std::set<std::tuple<uint32_t, std::string>> learned;
  for (const LearnEvent& e : bench.card().drain_learn()) {
    EXPECT_TRUE(e.vni_known);
    learned.emplace(e.vni, e.src.to_string());
  }
  const std::set<std::tuple<uint32_t, std::string>> expected = {{200, vtep_v4(50).to_string()},
                                                                {200, vtep_v6(51).to_string()},
                                                                {300, vtep_v4(50).to_string()},
                                                                {300, vtep_v6(51).to_string()}};
  EXPECT_EQ(learned, expected);
}

TEST(CsimFloodPolicy, StormPolicersOverTimeMatchTheReference) {
  CsimBench bench(service_parse_config());
  ReplicationParams params = replication_params(SourceIpMode::kKeepOriginal, true);
  params.storm.burst_ns = 10 * kMs;
  params.storm.per_vtep.frames_per_s = 2000;  // each sender, all VNIs together
  FloodTableBuilder b;
  b.set_params(params).set_egress_ports(egress_ports());
  b.add_vni(100, three_members(), bench.vni_counters(100), policed(800, 0));
  b.add_vni(200, three_members(), bench.vni_counters(200), policed(0, 400000));
  b.add_vni(300, three_members(), bench.vni_counters(300), policed(1500, 900000));
  b.add_vni(400, three_members(), bench.vni_counters(400));  // only the senders' buckets
  // No counters, no counter slot: the reference keeps a VNI's bucket with its counters, the
  // card by counter slot, so such a VNI is policed per sender only, on both.
  b.add_vni(500, three_members(), nullptr, policed(100, 0));
  bench.load(0, b.build());

  // 4000 frames over ~0.7 s from three senders into five VNIs, sizes from 110 to 1500 bytes,
  // arrivals bunched (0..0.3 ms apart, with a few silences longer than a burst).
  std::mt19937 rng(7);
  const std::vector<IpAddr> senders = {vtep_v4(1), vtep_v4(2), vtep_v6(3)};
  const uint32_t vnis[] = {100, 200, 300, 400, 500};
  std::vector<CorpusFrame> corpus;
  uint64_t now = 5 * kMs;
  for (uint32_t i = 0; i < 4000; ++i) {
    now += rng() % 300000;
    if (i % 997 == 0) now += 25 * kMs;
    const IpAddr& src = senders[rng() % senders.size()];
    const size_t size = 110 + rng() % 1391;
    CorpusFrame f{sim::build_vxlan_frame_of_size(frame_spec(src, vnis[rng() % 5]), size, i)};
    f.now_ns = now;
    corpus.push_back(std::move(f));
  }
  // The clock going back (another burst's reading) refills nothing on either side.
  corpus[2000].now_ns = corpus[1999].now_ns - 3 * kMs;
  const size_t copies = bench.run("storm_policers", corpus);
  bench.expect_counters_equal();

  const uint64_t policed_frames = bench.reference_counters().drop(DropReason::kStormPoliced);
  EXPECT_GT(policed_frames, 400u) << "the corpus must push the policers";
  EXPECT_GT(copies, 2000u) << "and let conforming frames through";
}

TEST(CsimFloodPolicy, ResetRefillsEveryBucket) {
  CsimBench bench(service_parse_config());
  ReplicationParams params = replication_params(SourceIpMode::kKeepOriginal, true);
  params.storm.burst_ns = 100 * kMs;
  FloodTableBuilder b;
  b.set_params(params).set_egress_ports(egress_ports());
  b.add_vni(100, three_members(), bench.vni_counters(100), policed(10, 0));  // 1 frame deep
  bench.load(0, b.build());
  const auto frame = sim::build_vxlan_frame_of_size(frame_spec(vtep_v4(1), 100), 200, 1);
  bench.card().regs().now_ns = 1000 * kMs;
  EXPECT_EQ(bench.card().process(frame).size(), 2u);
  EXPECT_TRUE(bench.card().process(frame).empty()) << "the bucket holds one frame";
  bench.card().reset_kernel();
  EXPECT_EQ(bench.card().process(frame).size(), 2u) << "a reset kernel starts with full buckets";
}

}  // namespace
}  // namespace vxsn::csim
