#include "hls/inject.hpp"

#include "hls/byte_lanes.hpp"
#include "hls/inject_ring_layout.hpp"

namespace vxsn::hw {
namespace {

// The kernel's own copy of the consumer index (the card-memory word is only ever written
// from it), and whether the last restart injected.
uint32_t g_consumer = 0;
bool g_injected_last = false;

}  // namespace

bool inject_pending(uint32_t producer) {
  return producer != g_consumer;
}

bool inject_turn(uint32_t producer, bool frame_waiting) {
  return inject_pending(producer) && !(g_injected_last && frame_waiting);
}

void inject_note_other_restart() {
  g_injected_last = false;
}

void inject_reset(const Word512* inject_ring) {
  g_consumer = le32_at(inject_ring[card::kInjectConsumerWord], 0);
  g_injected_last = false;
}

void inject_one(AxisStream& tx, Word512* inject_ring) {
  const unsigned slot = card::inject_slot_word(g_consumer);
  const Word512 header = inject_ring[slot];
  const uint32_t length = le32_at(header, card::kInjectLength);
  const uint16_t port = le16_at(header, card::kInjectPort);
  if (length != 0 && length <= card::kInjectSlotFrameBytes) {
    const unsigned beats = (length + kBeatBytes - 1) / kBeatBytes;
  inject_loop:
    for (unsigned k = 0; k < beats; ++k) {
      // II=1: one slot word in (a burst on gmem_inject), one beat out per cycle.
#pragma HLS PIPELINE II = 1
#pragma HLS LOOP_TRIPCOUNT min = 1 max = 144
      const bool last = k + 1 == beats;
      const unsigned valid = last ? length - k * kBeatBytes : kBeatBytes;
      AxisBeat b;
      b.data = inject_ring[slot + 1 + k] & byte_mask(valid);
      b.keep = keep_mask(valid);
      b.last = last ? 1 : 0;
      b.dest = port;
      tx.write(b);
    }
  }
  ++g_consumer;
  g_injected_last = true;
  // One 64-byte word on gmem_inject, issued after the loop's reads of the slot (same port,
  // program order), as punt publishes its producer index: the host sees the slot free only
  // once the frame has left it.
  Word512 index = 0;
  set_le32(index, 0, g_consumer);
  inject_ring[card::kInjectConsumerWord] = index;
}

}  // namespace vxsn::hw
