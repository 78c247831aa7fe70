// count: adds one frame's outcome to the counter block in card memory
// (hls/counter_layout.hpp). The only writer of that block; the host only reads it.
//
// Timing intent: one outcome per frame, a handful of read-modify-writes on m_axi (~10
// accesses); frames are >= 1 beat apart on the wire but a 64-byte frame stream would
// outrun it, so on the card the global counters would be kept in registers and flushed
// periodically. The C model keeps the simple form: the memory is the truth.
#pragma once

#include "hls/kernel_streams.hpp"

namespace vxsn::hw {

void count(OutcomeStream& in, uint64_t* counters);

}  // namespace vxsn::hw
