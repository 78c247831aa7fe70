// learn: a frame whose sender is not a member of its VNI (or whose VNI is not in the table)
// becomes one event in the learn ring (hls/learn_ring_layout.hpp). A small direct-mapped
// on-chip cache of pairs already reported suppresses repeats, so a flood of frames from one
// new VTEP makes one event, not thousands. The cache forgets everything when the table
// version changes: a pair the host did not add by the next table is reported once more.
// A full ring drops the event (counted) without caching it, so it is retried.
//
// Timing intent: one outcome per frame; the cache lookup is one cycle (registers), an event
// costs one ring-index read, one event-word write and one index write on m_axi. Frames are
// >= 1 beat apart, so learn never stalls the frame pipeline except on a ring write burst.
#pragma once

#include "hls/kernel_streams.hpp"

namespace vxsn::hw {

inline constexpr unsigned kLearnCacheEntries = 64;

void learn(OutcomeStream& in, OutcomeStream& out, Word512* learn_ring);

// Forgets every reported pair (kernel reset).
void learn_reset();

}  // namespace vxsn::hw
