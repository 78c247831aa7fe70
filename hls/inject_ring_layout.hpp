// The inject ring in card memory: the host's own frames (its kernel's ARP and ND answers,
// BGP, BFD, ICMP; the kernel path, host/daemon/kernel_path.hpp) for the card to send out of
// one of its ports. The host produces, the kernel consumes: the punt ring
// (hls/punt_ring_layout.hpp) run the other way.
//
//   register  ControlRegs::inject_producer, written by the host after the slot: the kernel
//             learns of new frames from a register it latches at every restart, so a
//             restart with nothing to send costs no card-memory read
//   word 0    consumer index (u32 at byte 0), written by the kernel only, after it has
//             sent the slot's frame: the host reads it to find free slots
//   word 1+   kInjectRingSlots slots of kInjectSlotWords words each:
//               slot word 0    header: frame length (u32 at byte 0), egress port (u16 at
//                              byte 6; 0 with the card's one port)
//               slot words 1.. the frame (byte 0 at byte 0 of word 1), bytes past the
//                              length zero
//
// Indices run freely (mod 2^32); a frame lives in slot index % kInjectRingSlots. The ring is
// full when producer - consumer == kInjectRingSlots: the host then keeps the frame back (its
// kernel path counts it dropped, as a full TX ring would), the kernel never waits. A slot
// holds up to 9216 bytes; a header whose length is 0 or longer than a slot (never written by
// the host) is skipped, nothing sent.
#pragma once

#include <cstdint>

#include "hls/frame_ring_layout.hpp"

namespace vxsn::card {

inline constexpr unsigned kInjectRingSlots = 32;  // power of two
inline constexpr unsigned kInjectSlotFrameWords = kFrameSlotFrameWords;
inline constexpr unsigned kInjectSlotFrameBytes = kFrameSlotFrameBytes;
inline constexpr unsigned kInjectSlotWords = kFrameSlotWords;
inline constexpr unsigned kInjectConsumerWord = 0;
inline constexpr unsigned kInjectFirstSlotWord = 1;
inline constexpr unsigned kInjectRingWords =
    kInjectFirstSlotWord + kInjectRingSlots * kInjectSlotWords;
inline constexpr unsigned kInjectRingBytes = kInjectRingWords * 64;

// Slot header fields (bytes of slot word 0).
inline constexpr unsigned kInjectLength = 0;  // u32
inline constexpr unsigned kInjectPort = 6;    // u16

inline constexpr unsigned inject_slot_word(uint32_t index) {
  return frame_slot_word(kInjectFirstSlotWord, kInjectRingSlots, index);
}

static_assert((kInjectRingSlots & (kInjectRingSlots - 1)) == 0);

}  // namespace vxsn::card
