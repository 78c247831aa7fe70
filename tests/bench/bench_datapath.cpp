// Parse + replicate in memory: IPv4 in, IPv4 members, fan-out 2/8/32, 64- and 1400-byte
// inner frames. The sink hands out one reused buffer, so the figures are the datapath's
// own cost (header build, checksum, payload copy) without buffer management or I/O.
#include <benchmark/benchmark.h>

#include <array>
#include <vector>

#include "host/datapath/replicator.hpp"

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

IpAddr v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  const uint8_t bytes[4] = {a, b, c, d};
  return IpAddr::v4(bytes);
}

void put16(std::vector<uint8_t>& f, size_t at, uint16_t v) {
  f[at] = static_cast<uint8_t>(v >> 8);
  f[at + 1] = static_cast<uint8_t>(v);
}

// An IPv4 VXLAN frame from 10.0.0.1 to 10.0.0.254, VNI 100, with `inner_len` inner bytes.
std::vector<uint8_t> ipv4_frame(size_t inner_len) {
  std::vector<uint8_t> f(50 + inner_len, 0);
  const uint8_t eth[14] = {2, 0, 0, 0, 0, 0xfe, 2, 0, 0, 0, 0, 1, 0x08, 0x00};
  std::copy(eth, eth + 14, f.begin());
  uint8_t* ip = f.data() + 14;
  ip[0] = 0x45;
  put16(f, 16, static_cast<uint16_t>(36 + inner_len));
  ip[8] = 64;
  ip[9] = 17;
  const uint8_t addrs[8] = {10, 0, 0, 1, 10, 0, 0, 254};
  std::copy(addrs, addrs + 8, ip + 12);
  uint32_t sum = 0;
  for (int i = 0; i < 20; i += 2) sum += (ip[i] << 8) | ip[i + 1];
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  put16(f, 24, static_cast<uint16_t>(~sum));
  put16(f, 34, 40015);
  put16(f, 36, 4789);
  put16(f, 38, static_cast<uint16_t>(16 + inner_len));
  f[42] = 0x08;
  f[48] = 100;
  for (size_t i = 0; i < inner_len; ++i) f[50 + i] = static_cast<uint8_t>(i);
  return f;
}

void BM_ParseAndReplicate(benchmark::State& state) {
  const unsigned fan_out = static_cast<unsigned>(state.range(0));
  const size_t inner_len = static_cast<size_t>(state.range(1));
  const MacAddr port_mac{{2, 0xaa, 0, 0, 0, 0}}, next_hop{{2, 0, 0, 0, 0, 2}};

  std::vector<MemberSpec> members;
  members.push_back({v4(10, 0, 0, 1), true, next_hop, 0});  // the sender: split horizon
  for (unsigned i = 0; i < fan_out; ++i)
    members.push_back({v4(10, 1, uint8_t(i >> 8), uint8_t(i)), true, next_hop, 0});
  VniCounters vni_counters;
  auto table = FloodTableBuilder()
                   .set_egress_ports({EgressPort{port_mac, wire::kMaxFrameLen}})
                   .add_vni(100, std::move(members), &vni_counters)
                   .build();
  const std::vector<uint8_t> frame = ipv4_frame(inner_len);
  const std::span<const uint8_t> span(frame);
  ParseConfig cfg;
  cfg.service_addrs[0] = v4(10, 0, 0, 254);
  cfg.service_addr_count = 1;
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
