// The card's datapath kernel, top level. This is the function a Vitis build synthesises and
// the emulated card calls on the CPU.
//
// One call processes ONE frame: it reads the frame's beats from `rx` up to and including
// the beat with `last` set (the caller must have queued a whole frame), writes every copy
// to `tx` (each copy's last beat has `last` set; copies follow one another in member
// order), appends learn events to the ring and adds to the on-chip counters (command
// kCmdFrame). kCmdReset touches no stream: it clears the kernel's on-chip state (the learn
// cache, the storm policers' buckets, the counters) and returns. kCmdControl touches no
// stream and clears nothing: it takes the registers and serves a pending counter snapshot
// request (ControlRegs::counter_snapshot, hls/counters.hpp); a frame call serves one too,
// after counting its frame. Every call keeps the table bank ack word (card::kCtrBankAck,
// hls/counters.hpp) naming the bank all frames in the pipeline read: a frame at the end of
// the pipeline, a control call or an idle restart with no frame inside.
//
// Interfaces (Vitis):
//   rx, tx        AXI4-Stream, 512-bit data + keep + last (byte 0 of a frame = bits 7..0 of
//                 its first beat)
//   table_mem     m_axi (bundle gmem_lookup): both flood table banks, hls/table_layout.hpp;
//                 card::kTableMemoryWords words; read by lookup_vni (bank header, VNI slots)
//   member_mem    m_axi (bundle gmem_members): the SAME table memory (the host passes the
//                 same buffer twice), read by fetch_members (policer profiles, member
//                 records): one port per reader, none shared between DATAFLOW processes
//   learn_ring    m_axi (bundle gmem_learn): hls/learn_ring_layout.hpp
//   counters      m_axi (bundle gmem_ctr): card::kCounterWords 64-bit counters,
//                 hls/counter_layout.hpp, written only by a snapshot
//   punt_ring     m_axi (bundle gmem_punt): hls/punt_ring_layout.hpp, the frames the
//                 steering rules give the host
//   inject_ring   m_axi (bundle gmem_inject): hls/inject_ring_layout.hpp, the host's own
//                 frames for the card's ports (hls/inject.hpp); rings come last, so the
//                 older arguments keep their ids
//   ctrl, command s_axilite (bundle control): hls/control_regs.hpp; plus the m_axi base
//                 addresses and ap_ctrl (start/done) in the same register file
// Internally a DATAFLOW region of five processes: parse -> punt -> replicate -> learn ->
// count (punt: hls/punt.hpp, the steering rules' host and registration tiers). A kCmdFrame
// restart may instead send one frame from the inject ring (hls/inject.hpp): the host's
// producer register is ahead, it is the inject's turn (a received frame was taken since the
// last one, or none is waiting) and the pipeline has drained.
#pragma once

#include "hls/control_regs.hpp"
#include "hls/kernel_streams.hpp"

namespace vxsn::hw {

// On the card the kernel AUTO-RESTARTS (the host sets ap_ctrl's auto_restart bit once):
// every restart is one kCmdFrame call, so the datapath runs frame after frame without the
// host, picking up the s_axilite registers (table_bank, counter_snapshot, ...) at each
// restart; with ap_ctrl_chain successive runs overlap in the DATAFLOW region. A free-running
// ap_ctrl_none kernel is not an option: Vitis allows it only for stream-only kernels, and
// this one reads its tables and writes the learn ring and counters through m_axi.
void vxsn_datapath(AxisStream& rx, AxisStream& tx, const Word512* table_mem,
                   const Word512* member_mem, Word512* learn_ring, uint64_t* counters,
                   const ControlRegs& ctrl, uint32_t command, Word512* punt_ring,
                   Word512* inject_ring);

// The bounded form of that endless run, for C simulation: `frames` restarts of an
// auto-restarting card with the same registers, one after another, their output left on
// `tx` in order. Each restart takes one whole frame queued in `rx`, or sends one injected
// frame when it is the inject ring's turn; with nothing to inject, N restarts process the N
// frames queued. "Feed N frames, drain, compare."
void vxsn_datapath_stream(AxisStream& rx, AxisStream& tx, const Word512* table_mem,
                          const Word512* member_mem, Word512* learn_ring, uint64_t* counters,
                          const ControlRegs& ctrl, uint32_t frames, Word512* punt_ring,
                          Word512* inject_ring);

}  // namespace vxsn::hw
