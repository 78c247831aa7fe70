#include "hls/datapath_top.hpp"

#include "hls/counter_layout.hpp"
#include "hls/counters.hpp"
#include "hls/inject.hpp"
#include "hls/inject_ring_layout.hpp"
#include "hls/learn.hpp"
#include "hls/learn_ring_layout.hpp"
#include "hls/parse.hpp"
#include "hls/punt.hpp"
#include "hls/punt_ring_layout.hpp"
#include "hls/replicate.hpp"
#include "hls/storm_policer.hpp"
#include "hls/table_layout.hpp"

namespace vxsn::hw {
namespace {

// Frames sent into the DATAFLOW region (wraps); count keeps the frames that left it, so the
// two are equal exactly when no frame is in the pipeline (hls/counters.hpp, "Bank ack").
uint32_t g_frames_started = 0;

// One frame through the five processes. Every process reads and writes exactly one
// metadata/outcome element per frame, so the region is a clean single-producer,
// single-consumer chain.
void datapath_frame(AxisStream& rx, AxisStream& tx, const Word512* table_mem,
                    const Word512* member_mem, Word512* learn_ring, uint64_t* counters,
                    const ControlRegs& ctrl, Word512* punt_ring) {
#pragma HLS DATAFLOW
  FrameDataStream frame_data("frame_data");
#pragma HLS STREAM variable = frame_data depth = 160
  FrameMetaStream frame_meta("frame_meta");
  SteerStream steer("steer");
  // The frames punt keeps for the datapath. A whole frame deep for the sequential C
  // simulation (punt runs to the frame's end before replicate starts); on the card punt
  // and replicate's tap both stream at II=1, so a few beats would do.
  FrameDataStream kept_data("kept_data");
#pragma HLS STREAM variable = kept_data depth = 160
  FrameMetaStream kept_meta("kept_meta");
  OutcomeStream replicated("replicated");
  OutcomeStream learned("learned");

  parse(rx, frame_data, frame_meta, steer, ctrl);
  punt(frame_data, frame_meta, steer, punt_ring, kept_data, kept_meta);
  replicate(kept_data, kept_meta, tx, table_mem, member_mem, ctrl.table_bank, replicated);
  learn(replicated, learned, learn_ring);
  count(learned, counters, ctrl.counter_snapshot);
}

// Waits up to kIdleRestartCycles for the first beat of a frame. Auto-restarting with no
// traffic, the kernel would otherwise block in parse forever and never take the host's
// new registers (a bank flip, a counter snapshot request: the mailbox is copied in at a
// restart); returning idle lets the next restart pick them up. II=1, one poll per cycle:
// an idle card restarts about every 65 K cycles (~0.2 ms at 322 MHz).
bool frame_arriving(AxisStream& rx) {
  bool arriving = false;
idle_wait:
  for (uint32_t cycle = 0; cycle < kIdleRestartCycles; ++cycle) {
#pragma HLS PIPELINE II = 1
    if (!rx.empty()) {
      arriving = true;
      break;
    }
  }
  return arriving;
}

// Waits up to kIdleRestartCycles for every frame in the pipeline to be counted, so an
// injected frame has tx to itself. In C simulation the pipeline is always empty at a
// restart; on the card a chained restart overlaps the previous frames' copies, which leave
// within the pipeline's latency (a few hundred cycles for the largest fan-out). II=1.
bool pipeline_drained() {
  bool drained = false;
drain_wait:
  for (uint32_t cycle = 0; cycle < kIdleRestartCycles; ++cycle) {
#pragma HLS PIPELINE II = 1
    if (counters_all_counted(g_frames_started)) {
      drained = true;
      break;
    }
  }
  return drained;
}

}  // namespace

void vxsn_datapath(AxisStream& rx, AxisStream& tx, const Word512* table_mem,
                   const Word512* member_mem, Word512* learn_ring, uint64_t* counters,
                   const ControlRegs& ctrl, uint32_t command, Word512* punt_ring,
                   Word512* inject_ring) {
#pragma HLS INTERFACE mode = axis port = rx
#pragma HLS INTERFACE mode = axis port = tx
  // One m_axi bundle (adapter, read channel) per reader: the VNI lookup and the member
  // records read the same table memory through two ports, so neither DATAFLOW process
  // waits for the other's bursts; the host binds both pointers to the one buffer.
#pragma HLS INTERFACE mode = m_axi port = table_mem offset = slave bundle = gmem_lookup depth = \
    67714
#pragma HLS INTERFACE mode = m_axi port = member_mem offset = slave bundle = gmem_members depth = \
    67714
#pragma HLS INTERFACE mode = m_axi port = learn_ring offset = slave bundle = gmem_learn depth = 1026
#pragma HLS INTERFACE mode = m_axi port = counters offset = slave bundle = gmem_ctr depth = 32832
#pragma HLS INTERFACE mode = m_axi port = punt_ring offset = slave bundle = gmem_punt depth = 9282
#pragma HLS INTERFACE mode = m_axi port = inject_ring offset = slave bundle = gmem_inject depth = \
    4641
#pragma HLS INTERFACE mode = s_axilite port = ctrl bundle = control
#pragma HLS INTERFACE mode = s_axilite port = command bundle = control
#pragma HLS INTERFACE mode = s_axilite port = return bundle = control
  // Started once by the host and restarted by the card itself (hls/vitis/hls_pre.tcl:
  // auto-restart counter, mailbox); chained restarts overlap in the DATAFLOW region.
#pragma HLS INTERFACE mode = ap_ctrl_chain port = return bundle = control
  static_assert(card::kTableMemoryWords == 67714, "keep the m_axi depth pragma in step");
  static_assert(card::kLearnRingWords == 1026, "keep the m_axi depth pragma in step");
  static_assert(card::kCounterWords == 32832, "keep the m_axi depth pragma in step");
  static_assert(card::kPuntRingWords == 9282, "keep the m_axi depth pragma in step");
  static_assert(card::kInjectRingWords == 4641, "keep the m_axi depth pragma in step");
  if (command == kCmdReset) {
    learn_reset();
    storm_reset();
    counters_reset();
    inject_reset(inject_ring);
    g_frames_started = 0;
    return;
  }
  // A restart for one of the host's own frames (hls/inject.hpp), alone on tx.
  if (command == kCmdFrame && inject_turn(ctrl.inject_producer, !rx.empty()) &&
      pipeline_drained()) {
    inject_one(tx, inject_ring);
    return;
  }
  // kCmdControl, or a kCmdFrame restart with no frame (idle): serve a snapshot request and
  // acknowledge the bank register if no frame is in the pipeline.
  if (command == kCmdControl || !frame_arriving(rx)) {
    counters_retire_bank(counters, ctrl.table_bank, g_frames_started);
    counters_serve_snapshot(counters, ctrl.counter_snapshot);
    return;
  }
  inject_note_other_restart();
  ++g_frames_started;
  datapath_frame(rx, tx, table_mem, member_mem, learn_ring, counters, ctrl, punt_ring);
}

void vxsn_datapath_stream(AxisStream& rx, AxisStream& tx, const Word512* table_mem,
                          const Word512* member_mem, Word512* learn_ring, uint64_t* counters,
                          const ControlRegs& ctrl, uint32_t frames, Word512* punt_ring,
                          Word512* inject_ring) {
stream_loop:
  for (uint32_t i = 0; i < frames; ++i) {
    // One frame per iteration, as one restart of the card per frame; on the card the
    // restarts overlap (ap_ctrl_chain), so a frame's parse starts while the previous
    // frame's copies still go out: the egress rate is the copy loop's (sim/cycle_model).
#pragma HLS LOOP_TRIPCOUNT max = 4096
    vxsn_datapath(rx, tx, table_mem, member_mem, learn_ring, counters, ctrl, kCmdFrame, punt_ring,
                  inject_ring);
  }
}

}  // namespace vxsn::hw
