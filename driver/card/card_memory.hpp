// Byte-level reading and writing of card memory that every Card backend shares: checking a
// bank image before it is written, decoding the counter block and learn-ring events, and
// encoding the control registers. Backends differ only in how bytes reach the card.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <vector>

#include "driver/card/card.hpp"
#include "hls/control_regs.hpp"

namespace vxsn {

inline void put_le16(uint8_t* p, uint16_t v) {
  for (int i = 0; i < 2; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
inline void put_le32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
inline void put_le64(uint8_t* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
inline uint16_t get_le16(const uint8_t* p) {
  return static_cast<uint16_t>(p[0] | p[1] << 8);
}
inline uint32_t get_le32(const uint8_t* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = v << 8 | p[i];
  return v;
}
inline uint64_t get_le64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = v << 8 | p[i];
  return v;
}

// What the host needs to remember about a table it loaded.
struct BankSummary {
  uint64_t table_version = 0;
  uint32_t member_count = 0;
  struct VniSlot {
    uint32_t vni;
    uint16_t counter_slot;  // card::kNoCounterSlot: not counted
  };
  std::vector<VniSlot> vnis;  // in VNI-table slot order
};

// Throws CardError{kBadImage} unless `image` is one bank (card::kBankBytes) with the magic,
// this driver's layout version and header fields the kernel can use.
BankSummary inspect_bank_image(std::span<const uint8_t> image);

// The table bank ack (hls/counters.hpp, card::kCtrBankAck): before a backend overwrites the
// idle bank it waits until the kernel's ack word names the active bank, i.e. no frame that
// started on the idle bank is left in the pipeline. A frame in flight leaves in
// microseconds and an idle kernel restarts every ~0.2 ms, so the bound is for a hung card.
inline constexpr std::chrono::milliseconds kBankAckTimeout{1000};
// The CardError{kIo} for an ack not seen within kBankAckTimeout: names the flip waited
// for, the bank left untouched and the ack word last read.
CardError bank_ack_timeout(unsigned active_bank, uint64_t ack_word);

// Throws CardError{kBadConfig}: more than hw::kMaxServiceAddrs addresses, one without a
// family, or more than hw::kMaxSteerRules steering rules.
hw::ControlRegs encode_control(const CardControl& control, uint8_t table_bank);

// `block` is the whole counter block (card::kCounterWords counters). Per-VNI counters are
// reported for the VNIs of `active` that have a counter slot.
CardCounters decode_counters(std::span<const uint64_t> block, const BankSummary& active);
// One VNI counter slot of the counter block; all zero for a slot past the block's slots.
CardSlotCounters decode_counter_slot(std::span<const uint64_t> block, uint16_t slot);

// One learn-ring event word (64 bytes).
LearnEvent decode_learn_event(const uint8_t* event_word);

// One punt-ring slot (card::kPuntSlotWords words from its header). Throws CardError{kIo}
// for a length no slot can hold or a tier that is not a punt tier (the ring is corrupt).
PuntedFrame decode_punt_slot(const uint8_t* slot);
// Throws CardError{kIo} unless producer - consumer fits the punt ring (it is corrupt).
void check_punt_indices(uint32_t producer, uint32_t consumer);

// Writes `frame`'s inject-ring slot (hls/inject_ring_layout.hpp) to `slot`: the header word
// (length, `port`) and the frame's words, zero past its length; returns the bytes written,
// (1 + ceil(length / 64)) * 64, at most card::kInjectSlotWords words. Throws
// CardError{kBadFrame} (nothing written) for an empty frame or one longer than a slot.
size_t encode_inject_slot(uint16_t port, std::span<const uint8_t> frame, uint8_t* slot);
// Throws CardError{kIo} unless the kernel's consumer index is at most a ring behind the
// host's producer and not ahead of it (the ring is corrupt).
void check_inject_indices(uint32_t producer, uint32_t consumer);

}  // namespace vxsn
