// Stream types between the kernel's processes, with their depths. The data FIFO between
// parse and replicate holds one whole buffered frame: parse emits a frame's metadata only
// after its last beat (the frame length decides several checks), and a sequential C
// simulation runs parse to the end of the frame before replicate starts.
#pragma once

#include "hls/frame_meta.hpp"
#include "hls/hls_types.hpp"
#include "hls/vxlan_wire.hpp"

namespace vxsn::hw {

// Frames up to 9216 bytes are buffered whole: 144 beats.
inline constexpr unsigned kMaxFrameBeats = (wire::kMaxFrameLen + kBeatBytes - 1) / kBeatBytes;
static_assert(kMaxFrameBeats == 144);
inline constexpr unsigned kFrameFifoDepth = kMaxFrameBeats + 16;

using AxisStream = hls::stream<AxisBeat>;  // top-level ports (depth set by the shell)
using FrameDataStream = hls::stream<AxisBeat, kFrameFifoDepth>;
using FrameMetaStream = hls::stream<FrameMeta, 2>;
using OutcomeStream = hls::stream<FrameOutcome, 2>;

}  // namespace vxsn::hw
