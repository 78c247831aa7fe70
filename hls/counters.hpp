// count: adds one frame's outcome to the kernel's ON-CHIP counters and, when the host asks
// for it, copies them to the counter block in card memory (hls/counter_layout.hpp).
//
// Why on chip: the counter block used to be updated in card memory, up to 14
// read-modify-writes on m_axi per frame (~1 M frames/s). Now every frame does exactly one
// update of each on-chip store, at II=1:
//   global counters (rx/tx, card-only)   registers, one adder each
//   drop counters (one per DropReason)   registers (the array is partitioned completely);
//                                        a frame's three drop kinds (the frame's reason,
//                                        no_next_hop and too_large copies) update their
//                                        own registers in the same cycle
//   per-VNI counters (kMaxVniCounterSlots slots x 6 counters)
//                                        one 384-bit row per slot in BRAM/URAM: ONE
//                                        read-modify-write of the frame's slot per frame.
// The per-VNI read-modify-write is the only loop-carried hazard: a frame of the same slot
// can follow one cycle later, before the previous row is written back. It is resolved by
// design with a forwarding register: the last kForwardDepth (slot, row) pairs written are
// kept in registers and win over the (possibly stale) array read, and the array carries
// `#pragma HLS DEPENDENCE inter false` so HLS does not serialise the loop for it.
//
// Snapshot protocol (the host's "snapshot counters" request, ControlRegs::counter_snapshot):
// the host writes a new request number into the register; the kernel, at the next frame
// boundary or control call, copies every counter to the block (one 64-bit word per cycle
// on gmem_ctr, ~kCounterWords cycles) and then writes the request number into
// card::kCtrSnapshotAck. The host reads the block after it sees its number acknowledged.
// A snapshot taken while frames are counted is consistent per frame: the copy runs between
// two frames' updates.
//
// Bank ack (card::kCtrBankAck): after a flip, frames that latched the old bank may still
// be inside the pipeline (the FIFOs hold up to 64 frames of lookahead; chained restarts
// overlap), reading the old bank, which the host's next load would overwrite. Each frame's
// outcome carries the bank its reads used (FrameOutcome::table_bank) to count, the last
// process: frames leave in order, and a frame latches the bank after every earlier frame,
// so when count sees a frame of bank B, no frame of the other bank is left. count then
// writes B into the ack word (only when it changes). An idle card (no frame after the
// flip) acknowledges at its next restart, or control call, if every frame started has been
// counted: then no frame is in the pipeline at all and the register's bank is the one.
// The host waits for the ack to name the active bank before it writes the idle one.
#pragma once

#include "hls/kernel_streams.hpp"

namespace vxsn::hw {

// One frame's outcome counted; then a pending snapshot request (`snapshot_request` differs
// from the one last acknowledged) is served.
void count(OutcomeStream& in, uint64_t* counters, uint8_t snapshot_request);

// Serves a pending snapshot request without counting a frame (a control call).
void counters_serve_snapshot(uint64_t* counters, uint8_t snapshot_request);

// True when every frame the top has sent into the pipeline (`frames_started`) has been
// counted, the last process: no frame is in the pipeline.
bool counters_all_counted(uint32_t frames_started);

// With no frame in the pipeline (`frames_started`, the frames the top has sent in, equals
// the frames counted), acknowledges `table_bank` (the register) as retired to; otherwise
// leaves the ack to the frames still to be counted.
void counters_retire_bank(uint64_t* counters, uint8_t table_bank, uint32_t frames_started);

// Every on-chip counter back to zero, no request pending (kernel reset).
void counters_reset();

}  // namespace vxsn::hw
