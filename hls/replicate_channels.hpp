// The channels inside replicate's DATAFLOW region (hls/replicate.cpp):
//
//   frame_tap --LookupRequest--> lookup_vni --MemberList--> fetch_members
//      |  beats, FrameMeta                                     |  MemberList, MemberRecord
//   store_frame --StoredFrame------------------------------> plan_copies --CopyJob--> copy_frames
//      +--frame buffer (ping-pong: two banks)----------------------------------------------^
//
// Type depths are what a SEQUENTIAL C simulation needs (every process runs to the end of
// its frame before the next starts, so a channel holds a whole frame's elements). The card
// builds shallower FIFOs (the STREAM pragmas in replicate.cpp), enough to cover latency.
#pragma once

#include "hls/frame_meta.hpp"
#include "hls/kernel_streams.hpp"
#include "hls/table_layout.hpp"
#include "hls/token_bucket.hpp"

namespace vxsn::hw {

// frame_tap -> lookup_vni, written once the header beats are in (beat 1, or the only
// beat): the VNI and outer source read where a good frame carries them, and the bank
// latched for this frame. For a frame parse passes, these are meta.vni, meta.src_* and
// meta.bank; a frame parse drops gets a wasted lookup whose result plan_copies discards.
struct LookupRequest {
  uint8_t bank = 0;
  uint32_t vni = 0;
  uint8_t src_family = 0;  // 4 or 6
  IpBits src_vtep;         // lane order, IPv4 in bytes 0..3, the rest zero
};

// What the table header says about the latched bank.
struct BankInfo {
  bool valid = false;
  uint64_t version = 0;
  uint32_t slot_mask = 0;
  unsigned hash_shift = 0;
  unsigned max_probe = 0;
  bool keep_original_source = true;
  uint64_t burst_ns = 0;  // storm control: every bucket's depth in time
  PolicerRate per_vtep;   // each source VTEP's limits
};

struct VniInfo {
  bool found = false;
  uint32_t first_member = 0;
  uint16_t member_count = 0;  // <= card::kMaxMembersPerVni
  uint16_t counter_slot = card::kNoCounterSlot;
  bool has_ipv6_member = false;
  uint8_t source_check = card::kSourceCheckOpen;
  uint8_t policer_profile = 0;  // 0: the VNI is not policed
  PolicerRate storm;            // the profile's limits, read by fetch_members
};

// lookup_vni -> fetch_members -> plan_copies: one per frame. fetch_members passes it on
// after the frame's last member record, with the source check's answer.
struct MemberList {
  uint8_t bank = 0;
  BankInfo bank_info;
  VniInfo vni;
  uint8_t src_family = 0;  // the request's outer source
  IpBits src_vtep;
  bool source_is_member = false;  // one of the records is the outer source
};

// fetch_members -> plan_copies: one per member of the list, in arena order.
struct MemberRecord {
  Word512 word0;  // template, family, flags
  Word512 word1;  // address, sums, egress limits and port
};

// store_frame -> plan_copies: the frame is in the buffer; its metadata.
struct StoredFrame {
  FrameMeta meta;
  uint8_t beats = 0;  // stored beats, <= kMaxFrameBeats
};

// plan_copies -> copy_frames: one per copy, or a single empty job for a frame without
// copies, so the copy loop sees every frame and the frame buffer turns over.
struct CopyJob {
  Word512 head0;               // header bytes 0..63, zero past hdr_len
  uint16_t head1 = 0;          // header bytes 64..65 (IPv6 + 802.1Q), byte 64 in the low half
  uint8_t hdr_len = 0;         // outer header length of this copy
  uint8_t payload_offset = 0;  // where the stored frame's VXLAN header starts
  uint8_t stored_beats = 0;
  uint8_t beats = 0;   // output beats; 0 for the empty job
  uint16_t total = 0;  // copy length in bytes
  uint16_t egress_port = 0;
  bool last_of_frame = false;
};

inline constexpr unsigned kMaxCopyBeats =
    (wire::kOuterIpv6Len + wire::kVlanTagLen + wire::kMaxFrameLen + kBeatBytes - 1) / kBeatBytes;
static_assert(kMaxFrameBeats < 256 && kMaxCopyBeats < 256, "beat counts fit uint8_t");

using TappedMetaStream = hls::stream<FrameMeta, 2>;
using LookupRequestStream = hls::stream<LookupRequest, 2>;
using MemberListStream = hls::stream<MemberList, 2>;
using MemberRecordStream = hls::stream<MemberRecord, card::kMaxMembersPerVni>;
using StoredFrameStream = hls::stream<StoredFrame, 2>;
using CopyJobStream = hls::stream<CopyJob, card::kMaxMembersPerVni>;

}  // namespace vxsn::hw
