// The counter block in card memory (64-bit little-endian counters, written by the kernel's
// counter process only, as a snapshot of its on-chip counters the host requests; the host
// reads). The first part mirrors the reference datapath's
// DatapathCounters one to one (rx/tx and one counter per DropReason code), so the
// C-simulation bench and the metrics compare them directly. Card-only counters follow, then
// eight counters per VNI counter slot (the slot is named by the VNI's table record, so it
// stays with the VNI across table flips).
#pragma once

#include <cstdint>

#include "hls/drop_reason.hpp"

namespace vxsn::card {

inline constexpr unsigned kCtrRxFrames = 0;
inline constexpr unsigned kCtrRxBytes = 1;
inline constexpr unsigned kCtrTxCopies = 2;
inline constexpr unsigned kCtrTxBytes = 3;
inline constexpr unsigned kCtrDropBase = 8;  // + DropReason code
inline constexpr unsigned kCtrDropSlots = 32;
// Card-only:
inline constexpr unsigned kCtrLearnEvents = 40;      // events written to the ring
inline constexpr unsigned kCtrLearnSuppressed = 41;  // pairs already reported (cache hit)
inline constexpr unsigned kCtrLearnRingFull = 42;    // events lost to a full ring
inline constexpr unsigned kCtrRxDisabled = 43;       // frames consumed while not enabled
inline constexpr unsigned kCtrRxOversize = 44;       // frames longer than the frame buffer
// The last snapshot request served (hls/counters.hpp): written after every other word of a
// snapshot, so the block is complete once it equals the host's request number.
inline constexpr unsigned kCtrSnapshotAck = 45;
// The table bank retired to (hls/counters.hpp, "Bank ack"): every frame still in the
// pipeline reads this bank, none the other, so the host may overwrite the other one. The
// bank of the last frame counted, or, with no frame in the pipeline, the bank register.
// kNoBankAck after a kernel reset until the first frame or restart writes it.
inline constexpr unsigned kCtrBankAck = 46;
inline constexpr uint64_t kNoBankAck = 0xFF;
// Frames the steering rules gave the host (hls/punt.hpp): written to the punt ring, and
// lost to a full one.
inline constexpr unsigned kCtrPunted = 48;
inline constexpr unsigned kCtrPuntRingFull = 49;
// Per VNI counter slot s: kCtrVniBase + 8*s + {frames_in, bytes_in, copies_out, bytes_out,
// source_not_member, storm_policed, 2 spare}.
inline constexpr unsigned kCtrVniBase = 64;
inline constexpr unsigned kCtrVniFramesIn = 0;
inline constexpr unsigned kCtrVniBytesIn = 1;
inline constexpr unsigned kCtrVniCopiesOut = 2;
inline constexpr unsigned kCtrVniBytesOut = 3;
inline constexpr unsigned kCtrVniSourceNotMember = 4;
inline constexpr unsigned kCtrVniStormPoliced = 5;
inline constexpr unsigned kCtrPerVni = 8;
inline constexpr unsigned kMaxVniCounterSlots = 4096;
inline constexpr unsigned kCounterWords = kCtrVniBase + kCtrPerVni * kMaxVniCounterSlots;

inline constexpr unsigned vni_counter(unsigned slot, unsigned which) {
  return kCtrVniBase + kCtrPerVni * slot + which;
}

static_assert(kDropReasonCount <= kCtrDropSlots, "drop counters fit their block");
static_assert(kCtrDropBase + kCtrDropSlots <= kCtrLearnEvents);
static_assert(kCtrSnapshotAck < kCtrVniBase && kCtrBankAck < kCtrVniBase &&
              kCtrPuntRingFull < kCtrVniBase);

}  // namespace vxsn::card
