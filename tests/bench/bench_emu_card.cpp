// The emulated card (the hls/ kernels compiled for the CPU, driver/card/emu_card.hpp) in
// memory: frames per second through EmuCard::process_burst, 32 frames a burst, at fan-out 2
// and 8 with 114- and 1400-byte frames, and the same frames when the VNI's storm policer
// refuses them all (the cost of a frame the card drops).
#include <benchmark/benchmark.h>

#include <vector>

#include "driver/card/emu_card.hpp"
#include "host/daemon/card_table_spec.hpp"
#include "sim/tools/vxlan_frame_builder.hpp"

namespace vxsn {
namespace {

IpAddr v4(uint8_t c, uint8_t d) {
  const uint8_t bytes[4] = {10, 0, c, d};
  return IpAddr::v4(bytes);
}

class CountingSink final : public EmuCopySink {
 public:
  void on_copy(uint16_t, std::span<const uint8_t> copy) override {
    ++copies;
    benchmark::DoNotOptimize(copy.data());
  }
  uint64_t copies = 0;
};

void BM_EmuCardBurst(benchmark::State& state) {
  const unsigned fan_out = static_cast<unsigned>(state.range(0));
  const size_t frame_len = static_cast<size_t>(state.range(1));
  const bool policed = state.range(2) != 0;
  const MacAddr port_mac{{2, 0xaa, 0, 0, 0, 0}}, next_hop{{2, 0, 0, 0, 0, 2}};
  std::vector<MemberSpec> members;
  members.push_back({v4(0, 1), true, next_hop, 0});  // the sender: split horizon
  for (unsigned i = 0; i < fan_out; ++i)
    members.push_back({v4(1, static_cast<uint8_t>(i + 1)), true, next_hop, 0});
  VniPolicy policy;
  if (policed) policy.storm.frames_per_s = 1;  // nothing after the first frame conforms
  ReplicationParams params;
  params.storm.burst_ns = 1000000000;
  VniCounters counters;
  auto table = FloodTableBuilder()
                   .set_params(params)
                   .set_egress_ports({EgressPort{port_mac, wire::kMaxFrameLen}})
                   .add_vni(100, std::move(members), &counters, policy)
                   .build();
  EmuCard card;
  card.load_table(card_bank_image(*table, [](const VniEntry&) { return uint16_t{0}; }));

  sim::VxlanFrameSpec spec;
  spec.src = v4(0, 1);
  spec.dst = v4(0, 254);
  spec.vni = 100;
  std::vector<std::vector<uint8_t>> frames;
  for (unsigned i = 0; i < 32; ++i)
    frames.push_back(sim::build_vxlan_frame_of_size(spec, frame_len, i));
  const std::vector<std::span<const uint8_t>> burst(frames.begin(), frames.end());
  CountingSink sink;
  for (auto _ : state) card.process_burst(burst, sink);

  const uint64_t frames_done = state.iterations() * burst.size();
  if (!policed && sink.copies != frames_done * fan_out) state.SkipWithError("copies missing");
  state.counters["frames_per_s"] =
      benchmark::Counter(double(frames_done), benchmark::Counter::kIsRate);
  state.counters["copies_per_s"] =
      benchmark::Counter(double(sink.copies), benchmark::Counter::kIsRate);
}

BENCHMARK(BM_EmuCardBurst)
    ->ArgNames({"fanout", "frame", "policed"})
    ->ArgsProduct({{2, 8}, {114, 1400}, {0, 1}});

}  // namespace
}  // namespace vxsn

BENCHMARK_MAIN();
