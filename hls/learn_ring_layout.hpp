// The learn-event ring in card memory: the kernel produces, the host consumes.
//
//   word 0   producer index (u32 at byte 0), written by the kernel only
//   word 1   consumer index (u32 at byte 0), written by the host only
//   word 2+  kLearnRingEntries events, one 64-byte word each
//
// Indices run freely (mod 2^32); an event lives in slot index % kLearnRingEntries. The ring
// is full when producer - consumer == kLearnRingEntries; the kernel then drops the event
// (counted) and does not remember it, so a later frame of the same pair tries again.
// Separate words for the two indices: neither side ever read-modify-writes the other's word.
#pragma once

#include <cstdint>

namespace vxsn::card {

inline constexpr unsigned kLearnRingEntries = 1024;  // power of two
inline constexpr unsigned kLearnProducerWord = 0;
inline constexpr unsigned kLearnConsumerWord = 1;
inline constexpr unsigned kLearnFirstEventWord = 2;
inline constexpr unsigned kLearnRingWords = kLearnFirstEventWord + kLearnRingEntries;
inline constexpr unsigned kLearnRingBytes = kLearnRingWords * 64;

// One event (one word).
inline constexpr unsigned kEvVni = 0;             // u32
inline constexpr unsigned kEvFamily = 4;          // u8: 4 or 6
inline constexpr unsigned kEvFlags = 5;           // u8
inline constexpr unsigned kEvTableVersion = 8;    // u64: table the frame was checked against
inline constexpr unsigned kEvSourceVtep = 16;     // 16 bytes, network order, IPv4 first 4
inline constexpr uint8_t kEvFlagVniKnown = 0x01;  // clear: the VNI itself is not in the table

static_assert((kLearnRingEntries & (kLearnRingEntries - 1)) == 0);
static_assert(kEvSourceVtep + 16 <= 64 && kEvTableVersion % 8 == 0);

}  // namespace vxsn::card
