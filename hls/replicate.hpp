// replicate: stores one frame on chip, looks its VNI up in the table bank latched at its
// first beat, and sends one rewritten copy per member except the sender, back to back.
// Semantics are the reference's (host/datapath/replicator.hpp), check for check:
//   sender (split horizon) skipped uncounted; unresolved member or no usable source
//   address -> kNoNextHop; copy longer than the egress port's maximum -> kFrameTooLarge;
//   VNI absent -> kUnknownVni; no member but the sender -> kNoOtherMember.
// A copy = template MACs [ingress 802.1Q tag] / template IP+UDP of the member's family with
// lengths, source address and checksums patched / the ingress VXLAN header and inner frame.
//
// Timing intent (card): storing runs at II=1 per beat; the VNI lookup reads at most
// kMaxProbes table words (pipelined, II=1); per member, two table words (the record) then
// the copy at II=1 per output beat. A copy of a >= 110-byte frame is >= 2 beats, so the
// next record's two-word read can hide behind the current copy; 1-beat copies (the
// smallest frames) would leave a bubble unless the member list is prefetched on chip -
// the cycle model, not this C code, is where that cost is accounted. A copy whose outer
// header length differs from the ingress one (IPv4 <-> IPv6) is realigned by a 20-byte
// shift across beats, still one beat per cycle.
#pragma once

#include "hls/kernel_streams.hpp"

namespace vxsn::hw {

void replicate(FrameDataStream& data_in, FrameMetaStream& meta_in, AxisStream& tx,
               const Word512* table_mem, OutcomeStream& outcome_out);

}  // namespace vxsn::hw
