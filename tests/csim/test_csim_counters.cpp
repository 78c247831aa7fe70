// The kernel's on-chip counters (hls/counters.hpp) read the way the host reads them: a
// snapshot request, its acknowledgement, then the counter block. Read while a stream is
// running (every few frames, including after every single frame and in the middle of runs
// of one VNI, which exercise the per-VNI forwarding registers), every counter must equal
// the reference datapath's at that point.
#include <gtest/gtest.h>

#include "hls/counter_layout.hpp"
#include "sim/tools/vxlan_frame_builder.hpp"
#include "tests/csim/csim_bench.hpp"
#include "tests/csim/csim_fixtures.hpp"

namespace vxsn::csim {
namespace {

using sim::VxlanFrameSpec;

// A table of three VNIs (one strict, one with an unresolved member).
void load_three_vnis(CsimBench& bench) {
  FloodTableBuilder b;
  b.set_params(replication_params(SourceIpMode::kKeepOriginal, true))
      .set_egress_ports(egress_ports());
  b.add_vni(100, {member(vtep_v4(1)), member(vtep_v4(2)), member(vtep_v6(3))},
            bench.vni_counters(100));
  b.add_vni(200, {member(vtep_v4(1)), member(vtep_v4(4), 1, /*resolved=*/false)},
            bench.vni_counters(200));
  VniPolicy strict;
  strict.source_check = SourceCheck::kStrict;
  b.add_vni(300, {member(vtep_v4(1)), member(vtep_v4(2))}, bench.vni_counters(300), strict);
  bench.load(0, b.build());
}

// Back-to-back frames of one VNI, alternating VNIs, strangers, unknown VNIs and drops.
std::vector<CorpusFrame> mixed_stream(size_t n) {
  std::vector<CorpusFrame> frames;
  for (size_t i = 0; i < n; ++i) {
    const size_t kind = (i / 7) % 6;  // runs of seven frames of one kind
    const size_t size = 120 + (i * 37) % 1400;
    const uint32_t id = static_cast<uint32_t>(i);
    switch (kind) {
      case 0:  // one VNI back to back: the forwarding registers
        frames.push_back({sim::build_vxlan_frame_of_size(frame_spec(vtep_v4(1), 100), size, id)});
        break;
      case 1:  // alternating VNIs
        frames.push_back(
            {sim::build_vxlan_frame_of_size(frame_spec(vtep_v4(1), i % 2 ? 100 : 200), size, id)});
        break;
      case 2:  // a stranger: learn in VNI 100, source-not-member in strict VNI 300
        frames.push_back(
            {sim::build_vxlan_frame_of_size(frame_spec(vtep_v4(9), i % 2 ? 100 : 300), size, id)});
        break;
      case 3:  // unknown VNI
        frames.push_back({sim::build_vxlan_frame_of_size(frame_spec(vtep_v4(1), 999), size, id)});
        break;
      case 4: {  // a parse drop (wrong UDP port) between good frames
        VxlanFrameSpec s = frame_spec(vtep_v4(1), 100);
        if (i % 2) s.udp_dst_port = 4790;
        frames.push_back({sim::build_vxlan_frame_of_size(s, size, id)});
        break;
      }
      default:  // IPv6 sender, per-copy no-next-hop in VNI 200
        frames.push_back({sim::build_vxlan_frame_of_size(
            frame_spec(i % 2 ? vtep_v6(3) : vtep_v4(1), i % 2 ? 100 : 200), size, id)});
        break;
    }
  }
  return frames;
}

// Reads the counters every `every` frames while the stream runs.
void run_reading_every(size_t every) {
  CsimBench bench(service_parse_config());
  load_three_vnis(bench);
  const auto frames = mixed_stream(600);
  size_t seen = 0, checks = 0;
  bench.run("counters_every_" + std::to_string(every), frames,
            [&](const CorpusFrame&, const std::vector<OutputCopy>&) {
              if (++seen % every != 0) return;
              ++checks;
              SCOPED_TRACE("after frame " + std::to_string(seen));
              bench.expect_counters_equal();
            });
  EXPECT_EQ(checks, frames.size() / every);
  bench.expect_counters_equal();
  // The stream really counted something in every per-VNI counter kind.
  const auto r = bench.reference_counters();
  EXPECT_GT(r.tx_copies, 0u);
  EXPECT_GT(r.drop(DropReason::kSourceNotMember), 0u);
  EXPECT_GT(r.drop(DropReason::kNoNextHop), 0u);
  EXPECT_GT(r.drop(DropReason::kUnknownVni), 0u);
  EXPECT_GT(r.drop(DropReason::kWrongPort), 0u);
}

TEST(CsimCounters, ReadAfterEveryFrameEqualReference) {
  run_reading_every(1);
}

TEST(CsimCounters, ReadEveryFewFramesWhileStreamingEqualReference) {
  for (size_t every : {3u, 7u, 50u}) {
    SCOPED_TRACE(every);
    run_reading_every(every);
  }
}

TEST(CsimCounters, BlockChangesOnlyWhenASnapshotIsRequested) {
  CsimBench bench(service_parse_config());
  load_three_vnis(bench);
  CardHarness& card = bench.card();
  const auto frame = sim::build_vxlan_frame_of_size(frame_spec(vtep_v4(1), 100), 200, 1);
  card.snapshot_counters();
  const uint8_t served = card.regs().counter_snapshot;
  card.process(frame);
  card.process(frame);
  // No request since: the kernel counted on chip and left the block alone.
  EXPECT_EQ(card.block_word(card::kCtrRxFrames), 0u);
  EXPECT_EQ(card.block_word(card::kCtrSnapshotAck), served);
  // A request raised while frames stream in is served at the next frame boundary.
  card.regs().counter_snapshot = hw::next_snapshot_request(served);
  card.process(frame);
  EXPECT_EQ(card.block_word(card::kCtrRxFrames), 3u);
  EXPECT_EQ(card.block_word(card::vni_counter(0, card::kCtrVniFramesIn)), 3u);
  EXPECT_EQ(card.block_word(card::kCtrSnapshotAck), card.regs().counter_snapshot);
}

// Auto-restarting with no traffic, the kernel returns idle after kIdleRestartCycles so its
// next restart takes the host's new registers; an idle restart serves a pending snapshot
// request (the host's counter read must not wait for traffic) and touches nothing else.
TEST(CsimCounters, AnIdleRestartServesASnapshotAndTouchesNothingElse) {
  CsimBench bench(service_parse_config());
  load_three_vnis(bench);
  CardHarness& card = bench.card();
  const auto frame = sim::build_vxlan_frame_of_size(frame_spec(vtep_v4(9), 100), 200, 1);
  card.process(frame);  // a stranger: one learn event
  card.process(frame);
  const uint32_t producer = card.learn_producer();
  const uint8_t before = card.regs().counter_snapshot;

  EXPECT_TRUE(card.idle_restart().empty());
  EXPECT_EQ(card.block_word(card::kCtrSnapshotAck), before) << "no request, nothing served";
  EXPECT_EQ(card.block_word(card::kCtrRxFrames), 0u);

  card.regs().counter_snapshot = hw::next_snapshot_request(before);
  EXPECT_TRUE(card.idle_restart().empty());
  EXPECT_EQ(card.block_word(card::kCtrSnapshotAck), card.regs().counter_snapshot);
  EXPECT_EQ(card.block_word(card::kCtrRxFrames), 2u);
  EXPECT_EQ(card.block_word(card::vni_counter(0, card::kCtrVniFramesIn)), 2u);
  EXPECT_EQ(card.learn_producer(), producer);
  // The kernel still forwards the next frame after idle restarts.
  card.process(frame);
  EXPECT_EQ(card.counter(card::kCtrRxFrames), 3u);
}

TEST(CsimCounters, ResetClearsTheOnChipCounters) {
  CsimBench bench(service_parse_config());
  load_three_vnis(bench);
  CardHarness& card = bench.card();
  const auto frame = sim::build_vxlan_frame_of_size(frame_spec(vtep_v4(1), 100), 200, 1);
  card.process(frame);
  EXPECT_EQ(card.counter(card::kCtrRxFrames), 1u);
  card.reset_kernel();
  EXPECT_EQ(card.counter(card::kCtrRxFrames), 0u);
  EXPECT_EQ(card.counter(card::vni_counter(0, card::kCtrVniFramesIn)), 0u);
}

}  // namespace
}  // namespace vxsn::csim
