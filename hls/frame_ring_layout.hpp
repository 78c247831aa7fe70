// What the card's two frame rings share (the punt ring, hls/punt_ring_layout.hpp, and the
// inject ring, hls/inject_ring_layout.hpp): a slot is one header word and then room for the
// largest frame the card buffers, 144 words = 9216 bytes, so no frame is ever truncated.
#pragma once

#include <cstdint>

namespace vxsn::card {

inline constexpr unsigned kFrameSlotFrameWords = 144;
inline constexpr unsigned kFrameSlotFrameBytes = kFrameSlotFrameWords * 64;
inline constexpr unsigned kFrameSlotWords = 1 + kFrameSlotFrameWords;  // header + frame

// The first word (the header) of the slot of ring index `index` (indices run freely mod
// 2^32; `slots` is a power of two) in a ring whose slots start at word `first_slot_word`.
inline constexpr unsigned frame_slot_word(unsigned first_slot_word, unsigned slots,
                                          uint32_t index) {
  return first_slot_word + (index % slots) * kFrameSlotWords;
}

static_assert(kFrameSlotFrameBytes == 9216, "a slot holds the largest frame the card buffers");

}  // namespace vxsn::card
