// punt: between parse and replicate, sends each frame where its steering verdict says.
// Datapath and drop-tier frames go on to replicate unchanged (a drop-tier frame fails
// parse's checks and is counted under its drop reason, as before punting existed); host-
// and registration-tier frames go whole into the punt ring (hls/punt_ring_layout.hpp) and
// replicate gets one empty beat and the metadata marked punted (no copies, no drop).
//
// Timing intent: the verdict arrives with beat 1, before punt needs it; the beat loop runs
// at II=1 (one beat to replicate or one ring word per cycle, a burst on gmem_punt); a
// punted frame costs two index reads before the loop and a header and an index write
// after it. Datapath frames pay one pass through the loop: latency ~2 cycles.
#pragma once

#include "hls/kernel_streams.hpp"
#include "hls/steer.hpp"

namespace vxsn::hw {

void punt(FrameDataStream& data_in, FrameMetaStream& meta_in, SteerStream& steer_in,
          Word512* punt_ring, FrameDataStream& data_out, FrameMetaStream& meta_out);

}  // namespace vxsn::hw
