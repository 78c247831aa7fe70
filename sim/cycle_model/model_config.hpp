// What the cycle model assumes about the card: stage latencies taken from the kernels'
// own timing comments (hls/parse.cpp, hls/replicate.cpp), the table memory's read latency,
// the FIFO depths, and which of the planned replicate changes are in place.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vxsn::cycle {

// Cycles each step costs. "Overhead" of a pipelined loop is what it takes besides one
// cycle per iteration (fill, drain, loop entry and exit).
struct StageTiming {
  unsigned parse_latency = 3;        // parse beat_loop: II=1, "latency ~3"
  unsigned header_check_cycles = 2;  // check_headers, after the last beat: meta ready
  unsigned store_loop_overhead = 2;  // replicate store_loop: II=1, read FIFO, write BRAM
  unsigned table_read_latency = 2;   // one table word: BRAM/URAM 2, HBM ~100
  unsigned vni_probes = 1;           // lookup_vni words read (1 = hit in the home slot)
  unsigned record_words = 2;         // a member record is two table words
  unsigned header_build_cycles = 2;  // build_copy_header: template copy, checksum fold
  unsigned copy_loop_overhead = 3;   // emit_copy copy_loop: II=1, "latency ~3 cycles"
};

// The replicate process as built, or with the changes that remove its bubbles.
struct Architecture {
  // Member records (and the VNI lookup) are read ahead by their own reader, started at
  // the frame's first beat, and each copy's header is built before its turn: no table
  // read or header build between copies.
  bool prefetch_members = false;
  // Two frame buffers: the next frame is stored while this one's copies go out.
  unsigned frame_buffers = 1;
  // Where the copy pipeline fills: before every copy (a loop per member, as built), once
  // per frame (member and copy loops flattened) or never (a free-running process).
  enum class CopyFill { kPerCopy, kPerFrame, kNever } copy_fill = CopyFill::kPerCopy;
  // Prefetcher depth: VNI lookups done ahead (frames, the one being copied included) and
  // member records read ahead (a FIFO of records with headers built, 128 B each on chip).
  // To hide a read latency the queues must cover it (Little's law): the as-built lookup
  // chain (beat 1, bank header, probe, records: ~3 HBM reads, ~300 cycles) at 7-8 cycles a
  // frame (114-128 B at fan-out 2) needs ~40 frames ahead, so the kernel's lookahead
  // FIFOs are 64 deep (hls/replicate.cpp); 32 would leave 114 B x2 on HBM at 73 %.
  unsigned prefetch_lookups = 64;
  unsigned prefetch_records = 32;
  // How the prefetcher looks a VNI up. The idealised form (prefetch, target) reads one
  // VNI-table word per frame (bank header latched on a bank flip) from the frame's first
  // beat. The kernel as built (hls/member_prefetch.cpp lookup_vni) reads the bank header
  // word and then the probe word(s), starts when beat 1 (the end of the header window)
  // is in, and accepts a new frame every `lookup_interval` cycles (its II).
  bool lookup_reads_bank_header = false;
  unsigned lookup_start_beat = 0;
  unsigned lookup_interval = 1;
  // One table read port shared by the lookup and the member records (one m_axi adapter:
  // one read address per cycle, the kernel before issue 11), or a read channel each (the
  // kernel now: table_mem and member_mem, two bundles on one buffer).
  bool shared_table_port = false;
  // A copy's header is built once its record is in AND the frame's metadata is (the
  // kernel's plan_copies needs lengths and the sender from parse), or from the record alone.
  bool header_waits_for_meta = false;
};

enum class Variant { kV1, kAsBuilt, kPrefetch, kTarget };
enum class Memory { kBram, kHbm };

struct ModelConfig {
  StageTiming timing;
  Architecture arch;
  // Copy length minus ingress frame length: 0 for IPv4 in and out, +20 for IPv4 -> IPv6.
  int copy_len_delta = 0;
  // The sender is itself in the VNI's member list (the usual flood list: every VTEP of the
  // VNI), so a frame's list has fanout + 1 records and the sender's is read and skipped.
  bool sender_in_list = true;
  unsigned ingress_fifo_beats = 160;  // parse -> replicate frame FIFO (kFrameFifoDepth)
  unsigned egress_fifo_beats = 64;    // kernel -> MAC FIFO in the shell (assumed 4 KiB)
  // Measurement: frames copied before the window opens, and the window's minimum size.
  unsigned warmup_frames = 8;
  unsigned min_measured_frames = 32;
  unsigned min_measured_copies = 2000;
};

ModelConfig make_config(Variant v, Memory m);

const char* variant_name(Variant v);  // "v1", "as-built", "prefetch", "target"
const char* variant_title(Variant v);
const char* memory_name(Memory m);  // "bram", "hbm"

inline constexpr unsigned kBramReadLatency = 2;
inline constexpr unsigned kHbmReadLatency = 100;

inline const std::vector<uint32_t> kDefaultFrameSizes = {114,  128,  256,  512,
                                                         1024, 1518, 4096, 9216};
inline const std::vector<uint32_t> kDefaultFanouts = {1, 2, 4, 8, 16, 32, 64};

}  // namespace vxsn::cycle
