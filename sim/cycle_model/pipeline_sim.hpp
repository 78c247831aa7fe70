// The beat-level simulation of one operating point: frames of one size offered at 100 GbE
// line rate, each replicated to `fanout` members, copies drained by the 100 GbE MAC.
//
// Stages, stepped one kernel clock cycle at a time:
//   MAC RX     frames back to back on the wire (20 B preamble+IFG, 4 B FCS around each);
//              a beat reaches the kernel when its last byte has been received. There is
//              no back-pressure on receive: a frame that does not fit the frame FIFO is
//              dropped whole.
//   parse      a delay line (II=1); the frame's metadata follows its last beat.
//   prefetch   (when modelled) VNI lookup and member records read from the frame's
//              first beat, one table word per cycle, each read `table_read_latency` late.
//   store      one beat per cycle into a frame buffer (one in v1, two: ping-pong).
//   copy       per member: [record read + header build], pipeline fill, one beat per
//              cycle; stalls only when the egress FIFO is full.
//   MAC TX     drains the egress FIFO at wire rate, copies back to back with minimum gaps.
#pragma once

#include <cstdint>

#include "sim/cycle_model/model_config.hpp"

namespace vxsn::cycle {

struct PointSpec {
  uint32_t frame_bytes;  // ingress frame on the bus (no FCS)
  uint32_t fanout;       // copies sent per frame
};

struct PointResult {
  uint32_t frame_bytes = 0;
  uint32_t fanout = 0;
  uint32_t copy_bytes = 0;
  // Share of the egress wire's time filled by frame slots (frame + FCS + preamble + IFG),
  // measured from the first copy of the window's first frame to the end of the last copy
  // of its last frame. 1.0 = copies back to back with minimum gaps.
  double egress_utilisation = 0;
  double input_fps = 0;               // frames accepted and replicated per second, same window
  double offered_fps = 0;             // 100 GbE line rate for this frame size
  double bubble_cycles_per_copy = 0;  // idle wire time between copies, in clock cycles
  uint64_t frames_measured = 0;
  uint64_t copies_measured = 0;
  uint64_t frames_dropped = 0;  // at the frame FIFO, whole run
  uint64_t mac_underruns = 0;   // beats late for the MAC (tvalid dropping mid-frame)
  int64_t cycles_simulated = 0;
};

// Throws std::invalid_argument for a frame size or fan-out the card does not carry.
PointResult simulate_point(const ModelConfig& config, PointSpec spec);

}  // namespace vxsn::cycle
