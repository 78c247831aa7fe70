// The card as it runs on a board: frames one after another without the host in between
// (hw::vxsn_datapath_stream, the bounded form of the auto-restarting kernel), thousands of
// them, with a new table written into the idle bank and the bank register flipped every few
// hundred frames. Every copy must equal the reference's, byte for byte and in order, and
// the counters read after each stretch (while the stream goes on) must equal its counters.
// Before each bank write the host waits for the kernel's bank ack (card::kCtrBankAck) to
// name the active bank, as the drivers do: here it always does, the stretch's frames
// having left the (sequentially simulated) pipeline.
#include <gtest/gtest.h>

#include "hls/counter_layout.hpp"
#include "sim/tools/vxlan_frame_builder.hpp"
#include "tests/csim/csim_bench.hpp"
#include "tests/csim/csim_fixtures.hpp"

namespace vxsn::csim {
namespace {

// Table generation g: VNI 100's membership changes with g (so a frame copied under the
// wrong bank shows), VNI 200 is dropped every third generation.
std::unique_ptr<FloodTable> generation(CsimBench& bench, unsigned g) {
  FloodTableBuilder b;
  b.set_params(replication_params(SourceIpMode::kKeepOriginal, true))
      .set_egress_ports(egress_ports());
  std::vector<MemberSpec> members = {member(vtep_v4(1)), member(vtep_v4(2 + g % 5))};
  if (g % 2) members.push_back(member(vtep_v6(10 + g % 3), 1));
  b.add_vni(100, std::move(members), bench.vni_counters(100));
  if (g % 3 != 2)
    b.add_vni(200, {member(vtep_v4(1)), member(vtep_v4(7)), member(vtep_v4(8), 1)},
              bench.vni_counters(200));
  return b.build();
}

std::vector<CorpusFrame> stretch(unsigned bank, size_t first, size_t n) {
  std::vector<CorpusFrame> frames;
  for (size_t i = first; i < first + n; ++i) {
    const uint32_t vni = (i % 5 == 4) ? 200 : 100;
    const IpAddr sender = (i % 11 == 0) ? vtep_v4(30 + i % 4) : vtep_v4(1);  // some strangers
    const size_t size = 110 + (i * 53) % 1500;
    frames.push_back(
        {sim::build_vxlan_frame_of_size(frame_spec(sender, vni), size, static_cast<uint32_t>(i)),
         bank});
  }
  return frames;
}

TEST(CsimLongStream, ThousandsOfFramesWithBankFlipsEqualReference) {
  CsimBench bench(service_parse_config());
  unsigned bank = 0;
  bench.load(bank, generation(bench, 0));
  size_t frames = 0, copies = 0;
  unsigned flips = 0;
  for (unsigned g = 0; frames < 4000; ++g) {
    if (g > 0) {  // the ack of the last flip, the next table into the idle bank, the flip
      ASSERT_EQ(bench.card().block_word(card::kCtrBankAck), bank)
          << "frames of bank " << 1 - bank << " may still be in the pipeline";
      bank = 1 - bank;
      bench.load(bank, generation(bench, g));
      ++flips;
    }
    const size_t n = 200 + (g * 97) % 250;  // a few hundred frames per table
    SCOPED_TRACE("table generation " + std::to_string(g) + " in bank " + std::to_string(bank));
    copies += bench.run_stream("long_stream", stretch(bank, frames, n));
    frames += n;
    bench.expect_counters_equal();  // read while the stream goes on
  }
  EXPECT_GE(flips, 10u);
  EXPECT_GT(copies, frames);  // fan-out >= 1 for most frames: the stream really replicated
  const auto r = bench.reference_counters();
  EXPECT_EQ(r.rx_frames, frames);
  EXPECT_GT(r.drop(DropReason::kUnknownVni), 0u);  // VNI 200 absent from some generations
}

}  // namespace
}  // namespace vxsn::csim
