// replicate: stores one frame on chip, looks its VNI up in the table bank latched at its
// first beat, and sends one rewritten copy per member except the sender, back to back.
// Semantics are the reference's (host/datapath/replicator.hpp), check for check:
//   sender (split horizon) skipped uncounted; unresolved member or no usable source
//   address -> kNoNextHop; copy longer than the egress port's maximum -> kFrameTooLarge;
//   VNI absent -> kUnknownVni; sender not a member of a strict/learn VNI ->
//   kSourceNotMember; over its VTEP's or its VNI's policer -> kStormPoliced (both before any
//   copy, hls/storm_policer.hpp); no member but the sender -> kNoOtherMember.
// A copy = template MACs [ingress 802.1Q tag] / template IP+UDP of the member's family with
// lengths, source address and checksums patched / the ingress VXLAN header and inner frame.
//
// Structure (a DATAFLOW region of six processes, hls/replicate_channels.hpp draws it):
//   frame_tap      sees each frame as parse delivers it and asks for its VNI lookup once
//                  the header beats are in (beat 1), long before the last beat and before
//                  the frame reaches the buffer; beats and metadata go on through FIFOs.
//   store_frame    beats into a ping-pong frame buffer (two banks: the next frame is
//                  stored while this one's copies go out).
//   lookup_vni,    the member prefetch (hls/member_prefetch.hpp): bank header, VNI slot,
//   fetch_members  storm profile, member records, read ahead of the copies; the source
//                  check is answered as the records pass. Each reads its own m_axi port
//                  (table_mem / member_mem: one buffer, two bundles).
//   plan_copies    per frame: admission (source check, storm policers); per member at
//                  II=1: split horizon, the drop checks, the copy's outer header built
//                  ahead of its turn; the frame's outcome.
//   copy_frames    ONE loop over all beats of all copies (member and copy loops merged)
//                  at II=1: copy k+1's first beat follows copy k's last beat.
// Each process is one call per frame (the kernel's contract); on the card the region's
// calls overlap (ap_ctrl_chain, `rewind` loops), in a C simulation they run in order.
// `table_bank` is the control register the frame latches at its first beat (parse
// latches the same register in the same call: FrameMeta::bank).
#pragma once

#include "hls/kernel_streams.hpp"

namespace vxsn::hw {

void replicate(FrameDataStream& data_in, FrameMetaStream& meta_in, AxisStream& tx,
               const Word512* table_mem, const Word512* member_mem, uint8_t table_bank,
               OutcomeStream& outcome_out);

}  // namespace vxsn::hw
