#include "hls/punt.hpp"

#include "hls/byte_lanes.hpp"
#include "hls/punt_ring_layout.hpp"

namespace vxsn::hw {

void punt(FrameDataStream& data_in, FrameMetaStream& meta_in, SteerStream& steer_in,
          Word512* punt_ring, FrameDataStream& data_out, FrameMetaStream& meta_out) {
  const uint8_t action = steer_in.read().action;
  const bool to_host = action == kSteerHost || action == kSteerRegistration;
  uint32_t producer = 0;
  bool room = false;
  if (to_host) {
    producer = le32_at(punt_ring[card::kPuntProducerWord], 0);
    const uint32_t consumer = le32_at(punt_ring[card::kPuntConsumerWord], 0);
    room = producer - consumer < card::kPuntRingSlots;
  }
  const unsigned slot = card::punt_slot_word(producer);
  unsigned n = 0;
  bool last = false;
punt_loop:
  do {
    // II=1: a beat in, and out to replicate or to the ring (a burst), per cycle; latency
    // ~2. Parse passes at most kMaxFrameBeats beats, so a slot never overflows.
#pragma HLS PIPELINE II = 1
    const AxisBeat b = data_in.read();
    last = b.last == 1;
    if (!to_host) {
      data_out.write(b);
    } else if (room && n < card::kPuntSlotFrameWords) {
      punt_ring[slot + 1 + n] = b.data;
    }
    ++n;
  } while (!last);

  FrameMeta meta = meta_in.read();
  if (to_host) {
    // A frame longer than a slot was cut by parse: it is the datapath's rx_oversize, as
    // before punting, never punted.
    if (!meta.oversize) {
      meta.to_host = true;
      meta.drop = drop_code(DropReason::kNone);
      if (room) {
        Word512 header = 0;
        set_le32(header, card::kPuntLength, meta.frame_len);
        set_byte(header, card::kPuntTier, action);
        punt_ring[slot] = header;
        Word512 index = 0;
        set_le32(index, 0, producer + 1);
        punt_ring[card::kPuntProducerWord] = index;  // after the slot: never seen half
        meta.punted = true;
      } else {
        meta.punt_ring_full = true;
      }
    }
    // replicate's processes take one frame per call: an empty one-beat frame.
    AxisBeat empty;
    empty.data = 0;
    empty.keep = 0;
    empty.last = 1;
    empty.dest = 0;
    data_out.write(empty);
  }
  meta_out.write(meta);
}

}  // namespace vxsn::hw
