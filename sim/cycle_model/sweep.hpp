// Runs the model over a grid of frame sizes and fan-outs for each variant and memory.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/cycle_model/model_config.hpp"
#include "sim/cycle_model/pipeline_sim.hpp"

namespace vxsn::cycle {

struct SweepOptions {
  std::vector<Variant> variants = {Variant::kV1, Variant::kAsBuilt, Variant::kPrefetch,
                                   Variant::kTarget};
  std::vector<Memory> memories = {Memory::kBram, Memory::kHbm};
  std::vector<uint32_t> frame_sizes = kDefaultFrameSizes;
  std::vector<uint32_t> fanouts = kDefaultFanouts;
  // Applied on top of make_config(variant, memory).
  int copy_len_delta = 0;
  bool sender_in_list = true;
  unsigned egress_fifo_beats = 64;
  unsigned prefetch_lookups = 64;  // the kernel's lookahead FIFOs
  unsigned prefetch_records = 32;
};

// One (variant, memory) pair: points in frame-size-major order.
struct SweepPanel {
  Variant variant;
  Memory memory;
  ModelConfig config;
  std::vector<PointResult> points;
  const PointResult& at(uint32_t frame_bytes, uint32_t fanout) const;  // throws if absent
};

std::vector<SweepPanel> run_sweep(const SweepOptions& options);

}  // namespace vxsn::cycle
