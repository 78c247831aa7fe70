#include "sim/cycle_model/sweep.hpp"

#include <stdexcept>

namespace vxsn::cycle {

const PointResult& SweepPanel::at(uint32_t frame_bytes, uint32_t fanout) const {
  for (const PointResult& p : points)
    if (p.frame_bytes == frame_bytes && p.fanout == fanout) return p;
  throw std::out_of_range("no such point in the sweep");
}

std::vector<SweepPanel> run_sweep(const SweepOptions& options) {
  std::vector<SweepPanel> panels;
  for (Memory memory : options.memories) {
    for (Variant variant : options.variants) {
      SweepPanel panel{variant, memory, make_config(variant, memory), {}};
      panel.config.copy_len_delta = options.copy_len_delta;
      panel.config.sender_in_list = options.sender_in_list;
      panel.config.egress_fifo_beats = options.egress_fifo_beats;
      panel.config.arch.prefetch_lookups = options.prefetch_lookups;
      panel.config.arch.prefetch_records = options.prefetch_records;
      for (uint32_t size : options.frame_sizes)
        for (uint32_t fanout : options.fanouts)
          panel.points.push_back(simulate_point(panel.config, PointSpec{size, fanout}));
      panels.push_back(std::move(panel));
    }
  }
  return panels;
}

}  // namespace vxsn::cycle
