// The punt ring in card memory: frames the steering rules give the host (host and
// registration tiers, hls/steer.hpp), whole, for the host's kernel path. The kernel
// produces, the host consumes; the same discipline as the learn ring
// (hls/learn_ring_layout.hpp):
//
//   word 0   producer index (u32 at byte 0), written by the kernel only
//   word 1   consumer index (u32 at byte 0), written by the host only
//   word 2+  kPuntRingSlots slots of kPuntSlotWords words each:
//              slot word 0      header: frame length (u32 at byte 0), tier (u8 at byte 4:
//                               hw::kSteerHost or hw::kSteerRegistration), ingress port
//                               (u16 at byte 6; 0 with the card's one port)
//              slot words 1..   the frame's beats as received (byte 0 of the frame at
//                               byte 0 of word 1), bytes past the length zero
//
// A slot holds a frame of up to 9216 bytes (card::kPuntSlotFrameBytes, the frame buffer's
// kMaxFrameBeats), so nothing punted is ever truncated: a longer frame is not punted at all
// (counted rx_oversize, as the datapath counts it). The producer index is written after the
// slot, so the host never sees a half-written frame. Full ring (producer - consumer ==
// kPuntRingSlots): the frame is lost, counted punt_ring_full.
#pragma once

#include <cstdint>

#include "hls/frame_ring_layout.hpp"

namespace vxsn::card {

inline constexpr unsigned kPuntRingSlots = 64;  // power of two
inline constexpr unsigned kPuntSlotFrameWords = kFrameSlotFrameWords;
inline constexpr unsigned kPuntSlotFrameBytes = kFrameSlotFrameBytes;
inline constexpr unsigned kPuntSlotWords = kFrameSlotWords;
inline constexpr unsigned kPuntProducerWord = 0;
inline constexpr unsigned kPuntConsumerWord = 1;
inline constexpr unsigned kPuntFirstSlotWord = 2;
inline constexpr unsigned kPuntRingWords = kPuntFirstSlotWord + kPuntRingSlots * kPuntSlotWords;
inline constexpr unsigned kPuntRingBytes = kPuntRingWords * 64;

// Slot header fields (bytes of slot word 0).
inline constexpr unsigned kPuntLength = 0;  // u32
inline constexpr unsigned kPuntTier = 4;    // u8
inline constexpr unsigned kPuntPort = 6;    // u16

inline constexpr unsigned punt_slot_word(uint32_t index) {
  return frame_slot_word(kPuntFirstSlotWord, kPuntRingSlots, index);
}

static_assert((kPuntRingSlots & (kPuntRingSlots - 1)) == 0);

}  // namespace vxsn::card
