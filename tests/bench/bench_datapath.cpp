// Parse + replicate in memory: IPv4 in, IPv4 members, fan-out 2/8/32, 64- and 1400-byte
// inner frames. The sink hands out one reused buffer, so the figures are the datapath's
// own cost (header build, checksum, payload copy) without buffer management or I/O.
#include <benchmark/benchmark.h>

#include <array>
#include <vector>

#include "host/datapath/replicator.hpp"
#include "tests/bench/bench_frames.hpp"

namespace vxsn {
namespace {

class ReusedBufferSink {
 public:
  uint8_t* acquire(uint16_t, uint32_t) { return buffer_.data(); }
  void commit(uint16_t, uint32_t len) {
    bytes_ += len;
    benchmark::DoNotOptimize(buffer_.data());
    benchmark::ClobberMemory();
  }
  uint64_t bytes() const { return bytes_; }

 private:
  alignas(64) std::array<uint8_t, wire::kMaxFrameLen> buffer_{};
  uint64_t bytes_ = 0;
};

void BM_ParseAndReplicate(benchmark::State& state) {
  const unsigned fan_out = static_cast<unsigned>(state.range(0));
  const size_t inner_len = static_cast<size_t>(state.range(1));
  VniCounters vni_counters;
  const auto table = bench::fan_out_table(fan_out, MacAddr{{2, 0xaa, 0, 0, 0, 0}},
                                          wire::kMaxFrameLen, &vni_counters);
  const std::vector<uint8_t> frame = bench::ipv4_frame(inner_len);
  const std::span<const uint8_t> span(frame);
  const ParseConfig cfg = bench::service_config();
  DatapathCounters counters;
  ReusedBufferSink sink;

  uint64_t copies = 0;
  for (auto _ : state) copies += process_frame(span, cfg, *table, counters, sink);

  if (copies != uint64_t{fan_out} * state.iterations()) state.SkipWithError("copies missing");
  state.SetItemsProcessed(static_cast<int64_t>(copies));
  state.SetBytesProcessed(static_cast<int64_t>(sink.bytes()));
  state.counters["copies_per_s"] = benchmark::Counter(double(copies), benchmark::Counter::kIsRate);
  state.counters["ns_per_copy"] =
      benchmark::Counter(double(copies), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["frames_per_s"] =
      benchmark::Counter(double(state.iterations()), benchmark::Counter::kIsRate);
}

BENCHMARK(BM_ParseAndReplicate)
    ->ArgNames({"fanout", "inner"})
    ->ArgsProduct({{2, 8, 32}, {64, 1400}});

}  // namespace
}  // namespace vxsn

BENCHMARK_MAIN();
