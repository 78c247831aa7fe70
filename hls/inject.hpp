// inject: sends the host's own frames (hls/inject_ring_layout.hpp) out of the card's ports,
// between the datapath's frames. The top function gives a restart to an injected frame
// instead of a received one when the host's producer register is ahead of the kernel's
// consumer, and tx is then the inject loop's alone: no frame is in the pipeline (every frame
// started has been counted), so no copy can interleave with it.
//
// Fairness: after a restart that injected, the next one takes a received frame if one is
// waiting, so a busy host never starves the datapath and a flooded datapath never starves
// the host (its BGP keepalives and ARP answers leave within two restarts).
//
// Timing intent: one header read and one consumer write per injected frame; the beat loop
// reads the slot as one burst on gmem_inject and writes one beat per cycle (II=1, latency
// ~ the burst's first-word latency). A restart with nothing to inject costs a register
// compare.
#pragma once

#include "hls/kernel_streams.hpp"

namespace vxsn::hw {

// True when the host's producer register is ahead of the frames this kernel has sent.
bool inject_pending(uint32_t producer);

// Whether this restart goes to an injected frame: one is pending, and either the last
// restart did not inject or no received frame is waiting.
bool inject_turn(uint32_t producer, bool frame_waiting);

// Sends the next injected frame on `tx` (TDEST = its slot's port) and publishes the
// consumer index; a slot whose length is 0 or over a slot is skipped, nothing sent.
// Only when inject_pending().
void inject_one(AxisStream& tx, Word512* inject_ring);

// Notes that a restart took a received frame (fairness), or idled.
void inject_note_other_restart();

// Takes the consumer index from card memory (kernel reset): frames the host queued before
// are still sent, none twice.
void inject_reset(const Word512* inject_ring);

}  // namespace vxsn::hw
