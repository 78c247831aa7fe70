#include "sim/cycle_model/model_config.hpp"

#include "hls/kernel_streams.hpp"

namespace vxsn::cycle {

static_assert(hw::kBeatBytes == 64, "the model's beat is the kernel's");

ModelConfig make_config(Variant v, Memory m) {
  ModelConfig c;
  c.ingress_fifo_beats = hw::kFrameFifoDepth;
  c.timing.table_read_latency = m == Memory::kBram ? kBramReadLatency : kHbmReadLatency;
  using Fill = Architecture::CopyFill;
  switch (v) {
    case Variant::kV1:
      c.arch = Architecture{};
      break;
    case Variant::kAsBuilt:
      // hls/replicate.cpp: prefetch from beat 1 (lookup_vni II=4: bank header word, then
      // the probe word; fetch_members a word a cycle), headers built by plan_copies once
      // the metadata is in, a table read port each for lookups and records (bundles
      // gmem_lookup / gmem_members), ping-pong frame buffer, `rewind` loops, lookahead
      // FIFOs 64 frames deep. Counters are on chip (hls/counters.hpp: one update per frame
      // at II=1, never the bound: a frame takes >= 2 cycles at the wire at fan-out >= 2)
      // and plan_copies takes members + 1 cycles a frame, under fetch_members' 2 a
      // record: neither is modelled as a stage of its own.
      c.arch.prefetch_members = true;
      c.arch.frame_buffers = 2;
      c.arch.copy_fill = Fill::kNever;
      c.arch.lookup_reads_bank_header = true;
      c.arch.lookup_start_beat = 1;
      c.arch.lookup_interval = 4;
      c.arch.shared_table_port = false;  // table_mem / member_mem: a read port each
      c.arch.header_waits_for_meta = true;
      break;
    case Variant::kPrefetch:
      c.arch.prefetch_members = true;
      c.arch.copy_fill = Fill::kPerFrame;
      break;
    case Variant::kTarget:
      c.arch.prefetch_members = true;
      c.arch.frame_buffers = 2;
      c.arch.copy_fill = Fill::kNever;
      break;
  }
  return c;
}

const char* variant_name(Variant v) {
  switch (v) {
    case Variant::kV1:
      return "v1";
    case Variant::kAsBuilt:
      return "as-built";
    case Variant::kPrefetch:
      return "prefetch";
    case Variant::kTarget:
      return "target";
  }
  return "?";
}

const char* variant_title(Variant v) {
  switch (v) {
    case Variant::kV1:
      return "v1 (first kernel: no prefetch, one buffer)";
    case Variant::kAsBuilt:
      return "as built (prefetch, merged copy loop, ping-pong, a table port per reader)";
    case Variant::kPrefetch:
      return "with member prefetch";
    case Variant::kTarget:
      return "prefetch + ping-pong buffer + free-running copy";
  }
  return "?";
}

const char* memory_name(Memory m) {
  return m == Memory::kBram ? "bram" : "hbm";
}

}  // namespace vxsn::cycle
