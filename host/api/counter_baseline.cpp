#include "host/api/counter_baseline.hpp"

#include <algorithm>

namespace vxsn {
namespace {

// A counter that went backwards (a port reopened) restarts from zero instead of wrapping.
uint64_t minus(uint64_t now, uint64_t base) {
  return now >= base ? now - base : now;
}

}  // namespace

CounterBaseline::View CounterBaseline::subtract(const CountersInfo& now) const {
  View v;
  v.since_reset_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - since_).count();
  CountersInfo& out = v.counters;
  const DatapathCountersSnapshot& b = base_.datapath;
  out.datapath.rx_frames = minus(now.datapath.rx_frames, b.rx_frames);
  out.datapath.rx_bytes = minus(now.datapath.rx_bytes, b.rx_bytes);
  out.datapath.tx_copies = minus(now.datapath.tx_copies, b.tx_copies);
  out.datapath.tx_bytes = minus(now.datapath.tx_bytes, b.tx_bytes);
  for (unsigned r = 0; r < kDropReasonCount; ++r)
    out.datapath.drops[r] = minus(now.datapath.drops[r], b.drops[r]);
  out.host_frames = minus(now.host_frames, base_.host_frames);

  std::map<uint32_t, VniCountersSnapshot> vni_base(base_.vnis.begin(), base_.vnis.end());
  for (const auto& [vni, c] : now.vnis) {
    VniCountersSnapshot base = vni_base.count(vni) ? vni_base[vni] : VniCountersSnapshot{};
    out.vnis.emplace_back(
        vni, VniCountersSnapshot{
                 minus(c.frames_in, base.frames_in), minus(c.bytes_in, base.bytes_in),
                 minus(c.copies_out, base.copies_out), minus(c.bytes_out, base.bytes_out),
                 minus(c.source_not_member, base.source_not_member),
                 minus(c.storm_policed, base.storm_policed)});
  }
  std::map<std::string, PortCountersInfo> port_base;
  for (const PortCountersInfo& p : base_.ports) port_base[p.name] = p;
  for (const PortCountersInfo& p : now.ports) {
    PortCountersInfo base = port_base.count(p.name) ? port_base[p.name] : PortCountersInfo{};
    PortCountersInfo d = p;
    d.rx_packets = minus(p.rx_packets, base.rx_packets);
    d.tx_packets = minus(p.tx_packets, base.tx_packets);
    d.rx_bytes = minus(p.rx_bytes, base.rx_bytes);
    d.tx_bytes = minus(p.tx_bytes, base.tx_bytes);
    d.rx_missed = minus(p.rx_missed, base.rx_missed);
    d.rx_errors = minus(p.rx_errors, base.rx_errors);
    d.tx_errors = minus(p.tx_errors, base.tx_errors);
    d.rx_ring_full = minus(p.rx_ring_full, base.rx_ring_full);
    out.ports.push_back(std::move(d));
  }
  return v;
}

CounterBaseline::View CounterBaseline::since_reset(const CountersInfo& now) const {
  std::lock_guard lock(mutex_);
  return subtract(now);
}

CounterBaseline::View CounterBaseline::reset(const CountersInfo& now) {
  std::lock_guard lock(mutex_);
  View v = subtract(now);
  base_ = now;
  since_ = std::chrono::steady_clock::now();
  return v;
}

}  // namespace vxsn
