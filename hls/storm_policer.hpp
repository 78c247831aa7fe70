// Storm control on the card: the token buckets of hls/token_bucket.hpp kept on chip, one per
// VNI counter slot (the slot stays with its VNI across table flips, as the reference keeps
// a VNI's bucket in its VniCounters) and kVtepPolicerSlots for source VTEPs, hashed by
// address exactly as the reference does. The order is the reference's
// (host/datapath/replicator.cpp detail::admit): the sender's bucket first, then the VNI's,
// so one VTEP's storm spends its own budget before its VNI's; a policed frame takes no
// tokens from the bucket that refused it.
//
// One call per frame that passed the source check, from plan_copies. On the card: two
// bucket read-modify-writes per frame (BRAM, one port each), II=1 with a forwarding
// register per array for back-to-back frames of one VNI or VTEP; latency ~4 (two 64-bit
// multiply-adds).
#pragma once

#include <cstdint>

#include "hls/hls_types.hpp"
#include "hls/token_bucket.hpp"

namespace vxsn::hw {

struct StormCheck {
  uint16_t counter_slot = 0;  // the VNI's bucket; card::kNoCounterSlot: not policed per VNI
  PolicerRate vni_rate;
  PolicerRate vtep_rate;
  uint64_t burst_ns = 0;
  uint8_t src_family = 0;  // 4 or 6
  IpBits src_vtep;
  uint64_t now_ns = 0;
  uint32_t frame_bytes = 0;
};

// True if the frame conforms to both policers (and then its tokens are taken).
bool storm_admit(const StormCheck& check);

// Every bucket back to "never used" (kernel reset).
void storm_reset();

}  // namespace vxsn::hw
