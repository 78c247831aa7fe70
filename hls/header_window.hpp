// The two-beat header window (bytes 0..127 of a frame, zero past its end) as parse and the
// steering rules read it: byte, big-endian 16-bit field and address access by frame offset.
#pragma once

#include "hls/byte_lanes.hpp"

namespace vxsn::hw {

struct HeaderWindow {
  const Word512& beat0;
  const Word512& beat1;
  uint8_t at(unsigned i) const {
    if (i < kBeatBytes) return byte_at(beat0, i);
    if (i < 2 * kBeatBytes) return byte_at(beat1, i - kBeatBytes);
    return 0;
  }
  uint16_t be16(unsigned i) const { return static_cast<uint16_t>((at(i) << 8) | at(i + 1)); }
  // `len` bytes from i (4 or 16) in lane order, the rest zero.
  IpBits addr(unsigned i, unsigned len) const { return window_addr(beat0, beat1, i, len); }
};

}  // namespace vxsn::hw
