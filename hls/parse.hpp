// parse: one frame from the receive stream -> its beats (bytes past the frame end zeroed,
// at most kMaxFrameBeats of them) and its metadata, the first drop reason in the reference
// order (host/datapath/frame_parser.hpp lists it; this kernel mirrors it check for check).
//
// Timing intent: the beat loop runs at II=1 (one 512-bit beat per cycle); the header
// checks run on the two-beat header window once the last beat has given the frame length
// (about 4 cycles of combinational checks, pipelined behind the beat loop on the card).
// The payload's ones'-complement sum (for IPv6 copies' UDP checksum) is accumulated per
// beat inside the loop, its byte range known from beat 0.
#pragma once

#include "hls/control_regs.hpp"
#include "hls/kernel_streams.hpp"
#include "hls/steer.hpp"

namespace vxsn::hw {

// `steer_out` gets the frame's steering verdict (hls/steer.hpp) as soon as its header
// window is in: at beat 1, or with a one-beat frame's only beat.
void parse(AxisStream& rx, FrameDataStream& data_out, FrameMetaStream& meta_out,
           SteerStream& steer_out, const ControlRegs& ctrl);

// The checks alone, on a header window (bytes 0..127 of the frame, zero past its end) and
// the frame length. Exposed for unit tests; fills `meta` except frame_len, bank, payload_sum.
void check_headers(const Word512& beat0, const Word512& beat1, uint32_t frame_len,
                   const ControlRegs& ctrl, FrameMeta& meta);

}  // namespace vxsn::hw
