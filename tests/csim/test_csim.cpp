// Kernel-vs-reference C simulation on generated corpora (sim/tools): every copy byte for
// byte and in order, every counter. Each corpus is also written as a pcap under
// $VXSN_BINARY_DIR/csim for inspection.
#include <gtest/gtest.h>

#include <set>

#include "sim/tools/drop_cases.hpp"
#include "sim/tools/pcap_io.hpp"
#include "sim/tools/vxlan_frame_builder.hpp"
#include "tests/csim/copy_checker.hpp"
#include "tests/csim/csim_bench.hpp"
#include "tests/csim/csim_fixtures.hpp"

namespace vxsn::csim {
namespace {

using sim::VxlanFrameSpec;

// Sizes from the smallest frame to 9216 bytes: every size of the first 160, then the beat
// edges 64k-1, 64k, 64k+1.
std::vector<size_t> sweep_sizes(size_t min_size) {
  std::set<size_t> sizes;
  for (size_t s = min_size; s < min_size + 160; ++s) sizes.insert(s);
  for (size_t k = 1; 64 * k <= wire::kMaxFrameLen; ++k)
    for (size_t s : {64 * k - 1, 64 * k, 64 * k + 1})
      if (s >= min_size && s <= wire::kMaxFrameLen) sizes.insert(s);
  sizes.insert(wire::kMaxFrameLen);
  return {sizes.begin(), sizes.end()};
}

// Each copy judged on its own (tests/csim/copy_checker.hpp), beside the comparison.
CsimBench::Inspector well_formed_copies(size_t& checked) {
  return [&checked](const CorpusFrame& f, const std::vector<OutputCopy>& copies) {
    for (const OutputCopy& c : copies) {
      ++checked;
      const std::string problem = check_copy(f.bytes, c.bytes, 63, wire::kVxlanDefaultPort);
      ASSERT_EQ(problem, "") << "copy of a " << f.bytes.size() << "-byte frame";
    }
  };
}

TEST(Csim, EveryDropReason) {
  CsimBench bench(service_parse_config());
  FloodTableBuilder b;
  b.set_params(replication_params(SourceIpMode::kKeepOriginal, true))
      .set_egress_ports(egress_ports());
  b.add_vni(100,
            {member(vtep_v4(1)), member(vtep_v4(2)), member(vtep_v6(3)),
             member(vtep_v4(4), 0, /*resolved=*/false)},
            bench.vni_counters(100));
  b.add_vni(200, {member(vtep_v4(1))}, bench.vni_counters(200));
  b.add_vni(300, {member(vtep_v4(1)), member(vtep_v4(2), 1)}, bench.vni_counters(300));
  VniPolicy strict;
  strict.source_check = SourceCheck::kStrict;
  b.add_vni(400, {member(vtep_v4(1)), member(vtep_v4(2))}, bench.vni_counters(400), strict);
  VniPolicy one_frame_deep;  // 10 frames/s at the default 100 ms burst
  one_frame_deep.storm.frames_per_s = 10;
  b.add_vni(500, {member(vtep_v4(1)), member(vtep_v4(2))}, bench.vni_counters(500), one_frame_deep);
  bench.load(0, b.build());

  const VxlanFrameSpec v4 = frame_spec(vtep_v4(1), 100);
  const VxlanFrameSpec v6 = frame_spec(vtep_v6(9), 100);
  const auto cases =
      sim::parse_drop_cases(v4, v6, *IpAddr::parse("10.9.9.9"), *IpAddr::parse("fd09::9"));
  std::vector<CorpusFrame> corpus;
  for (const auto& c : cases) corpus.push_back({c.frame});
  const size_t parse_cases = corpus.size();
  // Replication-level outcomes.
  corpus.push_back({sim::build_vxlan_frame_of_size(v4, 200, 1)});  // 2 copies + kNoNextHop
  corpus.push_back({sim::build_vxlan_frame_of_size(frame_spec(vtep_v4(1), 999), 200, 2)});
  corpus.push_back({sim::build_vxlan_frame_of_size(frame_spec(vtep_v4(1), 200), 200, 3)});
  corpus.push_back({sim::build_vxlan_frame_of_size(frame_spec(vtep_v4(1), 300), 2000, 4)});
  VxlanFrameSpec reserved = v4;
  reserved.vxlan_flags = 0xFF;  // reserved bits set: ignored, accepted
  corpus.push_back({sim::build_vxlan_frame_of_size(reserved, 150, 5)});
  corpus.push_back({sim::build_vxlan_frame_of_size(frame_spec(vtep_v4(7), 400), 200, 6)});
  for (uint32_t i = 0; i < 2; ++i)  // the same instant: the second finds the bucket empty
    corpus.push_back({sim::build_vxlan_frame_of_size(frame_spec(vtep_v4(1), 500), 200, 7)});

  bench.run("drop_reasons", corpus);
  for (size_t i = 0; i < parse_cases; ++i)
    EXPECT_EQ(bench.parsed()[i].drop, cases[i].expected)
        << cases[i].name << ": the corpus case does not produce the reason it is named for";
  EXPECT_EQ(bench.parsed()[parse_cases + 4].drop, DropReason::kNone);

  // Every reason a card can count was exercised (host-only buffer reasons excepted).
  const auto counted = bench.reference_counters();
  for (unsigned d = 1; d < kDropReasonCount; ++d) {
    const auto r = static_cast<DropReason>(d);
    if (r == DropReason::kNoBuffer || r == DropReason::kTxFull || r == DropReason::kChained)
      continue;
    EXPECT_GT(counted.drop(r), 0u) << "corpus never triggers " << drop_reason_label(r);
  }
  bench.expect_counters_equal();
}

TEST(Csim, FrameSizesAndBeatEdgesMixedFamilies) {
  CsimBench bench(service_parse_config());
  FloodTableBuilder b;
  b.set_params(replication_params(SourceIpMode::kKeepOriginal, true))
      .set_egress_ports(egress_ports());
  // Senders v4(1) and v6(1) are members; copies go to both families, so every frame is
  // sent once unshifted and once realigned by 20 bytes.
  b.add_vni(100,
            {member(vtep_v4(1)), member(vtep_v6(1)), member(vtep_v4(2)), member(vtep_v6(3)),
             member(vtep_v4(5))},
            bench.vni_counters(100));
  bench.load(0, b.build());

  std::vector<CorpusFrame> corpus;
  uint32_t seed = 0;
  for (const IpAddr& src : {vtep_v4(1), vtep_v6(1)}) {
    for (bool tagged : {false, true}) {
      VxlanFrameSpec s = frame_spec(src, 100);
      if (tagged) s.vlan_tci = 0xE00A;  // PCP 7, VID 10
      for (size_t size : sweep_sizes(sim::outer_overhead(s) + wire::kMinInnerLen))
        corpus.push_back({sim::build_vxlan_frame_of_size(s, size, ++seed)});
      // Ethernet padding / trailers after the datagram are not copied.
      for (size_t trailer : {1, 4, 37, 64}) {
        s.trailer = trailer;
        corpus.push_back({sim::build_vxlan_frame_of_size(s, 200 + trailer, ++seed)});
      }
    }
  }
  size_t checked = 0;
  const size_t copies = bench.run("frame_sizes", corpus, well_formed_copies(checked));
  EXPECT_GT(copies, corpus.size() * 3);
  EXPECT_EQ(checked, copies);
  // 9216-byte IPv4 frames grow by 20 bytes as IPv6 copies: those copies are too large.
  EXPECT_GT(bench.reference_counters().drop(DropReason::kFrameTooLarge), 0u);
  bench.expect_counters_equal();
}

TEST(Csim, FanOutOneToTableMaximum) {
  CsimBench bench(service_parse_config());
  FloodTableBuilder b;
  b.set_params(replication_params(SourceIpMode::kKeepOriginal, true))
      .set_egress_ports(egress_ports());
  const std::vector<unsigned> fan_outs = {
      1, 2, 3, 4, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, card::kMaxMembersPerVni};
  for (unsigned n : fan_outs) {
    std::vector<MemberSpec> members;
    for (unsigned i = 0; i < n; ++i) {
      // Every third member IPv6, members spread over both ports.
      const IpAddr a = i % 3 == 2 ? vtep_v6(1000 + i) : vtep_v4(1000 + i);
      members.push_back(member(a, static_cast<uint16_t>(i % 2)));
    }
    b.add_vni(5000 + n, members, bench.vni_counters(5000 + n));
  }
  bench.load(0, b.build());

  std::vector<CorpusFrame> corpus;
  uint32_t seed = 0;
  for (unsigned n : fan_outs) {
    // From a member (split horizon: n-1 copies) and from an outsider (n copies).
    for (const IpAddr& src : {vtep_v4(1000), vtep_v4(77), vtep_v6(78)}) {
      const VxlanFrameSpec s = frame_spec(src, 5000 + n);
      for (size_t size : {sim::outer_overhead(s) + 14, size_t{1500}, size_t{9216}})
        corpus.push_back({sim::build_vxlan_frame_of_size(s, size, ++seed)});
    }
  }
  size_t checked = 0;
  const size_t copies = bench.run("fan_out", corpus, well_formed_copies(checked));
  EXPECT_EQ(checked, copies);
  EXPECT_GT(copies, 3u * card::kMaxMembersPerVni);
  bench.expect_counters_equal();
}

// Outer source selection: own address mode, and keep-original with a family that has no own
// address (cross-family copies then have no usable source: kNoNextHop).
TEST(Csim, SourceAddressModes) {
  for (const bool own_mode : {true, false}) {
    SCOPED_TRACE(own_mode ? "own address mode" : "keep original without own IPv6");
    CsimBench bench(service_parse_config());
    FloodTableBuilder b;
    b.set_params(own_mode ? replication_params(SourceIpMode::kOwnAddress, true)
                          : replication_params(SourceIpMode::kKeepOriginal, false))
        .set_egress_ports(egress_ports());
    b.add_vni(7, {member(vtep_v4(1)), member(vtep_v6(2)), member(vtep_v4(3)), member(vtep_v6(4))},
              bench.vni_counters(7));
    bench.load(0, b.build());
    std::vector<CorpusFrame> corpus;
    uint32_t seed = 0;
    for (const IpAddr& src : {vtep_v4(1), vtep_v6(2), vtep_v4(50)})
      for (bool tagged : {false, true}) {
        VxlanFrameSpec s = frame_spec(src, 7);
        if (tagged) s.vlan_tci = 5;
        for (size_t size : {120, 127, 128, 129, 1514, 4000})
          corpus.push_back({sim::build_vxlan_frame_of_size(s, size, ++seed)});
      }
    size_t checked = 0;
    bench.run(own_mode ? "source_own" : "source_keep_no_v6", corpus, well_formed_copies(checked));
    EXPECT_GT(checked, 0u);
    if (!own_mode) {
      EXPECT_GT(bench.reference_counters().drop(DropReason::kNoNextHop), 0u);
    }
    bench.expect_counters_equal();
  }
}

// The control plane writes the idle bank and flips the register between two frames; each
// frame is replicated with exactly the table of the bank it latched.
TEST(Csim, TableFlipInTheMiddleOfAStream) {
  CsimBench bench(service_parse_config());
  auto table = [&](uint64_t version, std::vector<MemberSpec> vni100, bool with_101) {
    FloodTableBuilder b;
    b.set_params(replication_params(SourceIpMode::kKeepOriginal, true))
        .set_egress_ports(egress_ports())
        .set_version(version);
    b.add_vni(100, std::move(vni100), bench.vni_counters(100));
    if (with_101) b.add_vni(101, {member(vtep_v4(1)), member(vtep_v6(8))}, bench.vni_counters(101));
    return b.build();
  };
  bench.load(0, table(1, {member(vtep_v4(1)), member(vtep_v4(2)), member(vtep_v6(3))}, false));
  bench.load(1, table(2, {member(vtep_v6(3)), member(vtep_v4(1)), member(vtep_v4(6))}, true));

  std::vector<CorpusFrame> corpus;
  uint32_t seed = 0;
  auto frames = [&](unsigned bank, unsigned count) {
    for (unsigned i = 0; i < count; ++i) {
      const VxlanFrameSpec s = frame_spec(vtep_v4(1), i % 3 == 2 ? 101 : 100);
      corpus.push_back({sim::build_vxlan_frame_of_size(s, 100 + 97 * i, ++seed), bank});
    }
  };
  frames(0, 10);
  frames(1, 10);  // flipped: bank 1 (VNI 101 now known, VNI 100 has other members)
  const size_t before_reload = corpus.size();
  bench.run("table_flip_a", corpus);
  // Bank 0 rewritten while idle, then flipped back.
  bench.load(0, table(3, {member(vtep_v4(2)), member(vtep_v6(3))}, false));
  corpus.clear();
  frames(0, 10);
  bench.run("table_flip_b", corpus);
  EXPECT_EQ(before_reload, 20u);
  bench.expect_counters_equal();
}

}  // namespace
}  // namespace vxsn::csim

namespace vxsn::csim {
namespace {

// Frames made by scapy (tests/csim/make_scapy_corpus.py), read back from its pcap.
TEST(Csim, ScapyCorpus) {
#ifndef VXSN_SCAPY_CORPUS
  GTEST_SKIP() << "python3-scapy was not available at configure time";
#else
  CsimBench bench(service_parse_config());
  FloodTableBuilder b;
  b.set_params(replication_params(SourceIpMode::kKeepOriginal, true))
      .set_egress_ports(egress_ports());
  b.add_vni(100,
            {member(vtep_v4(1)), member(vtep_v6(1)), member(vtep_v4(2)), member(vtep_v6(3)),
             member(vtep_v4(4), 1)},
            bench.vni_counters(100));
  bench.load(0, b.build());
  std::vector<CorpusFrame> corpus;
  for (auto& f : sim::read_pcap(VXSN_SCAPY_CORPUS)) corpus.push_back({std::move(f)});
  ASSERT_EQ(corpus.size(), 85u);
  size_t checked = 0;
  const size_t copies = bench.run("scapy", corpus, well_formed_copies(checked));
  EXPECT_EQ(checked, copies);
  EXPECT_GT(copies, 200u);
  const auto counted = bench.reference_counters();
  EXPECT_EQ(counted.drop(DropReason::kTtlExpired), 1u);
  EXPECT_EQ(counted.drop(DropReason::kWrongPort), 1u);
  EXPECT_EQ(counted.drop(DropReason::kVxlanBadFlags), 1u);
  EXPECT_EQ(counted.drop(DropReason::kUnknownVni), 1u);
  EXPECT_EQ(counted.drop(DropReason::kIpv4BadChecksum), 1u);
  bench.expect_counters_equal();
#endif
}

}  // namespace
}  // namespace vxsn::csim
