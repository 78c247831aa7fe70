// Time on the card, exactly: the 512-bit bus at 322.265625 MHz and the 100 GbE wire.
// One kernel clock cycle is 1280 ticks and one byte on the wire is 33 ticks
// (322.265625e6 * 1280 == 12.5e9 * 33 == 412.5e9 ticks per second), so the model keeps
// integer time and never rounds a wire slot.
#pragma once

#include <cstdint>

namespace vxsn::cycle {

inline constexpr int64_t kTicksPerCycle = 1280;
inline constexpr int64_t kTicksPerWireByte = 33;
inline constexpr double kTicksPerSecond = 412.5e9;
inline constexpr double kClockHz = 322.265625e6;
inline constexpr double kWireBitsPerSecond = 100e9;
static_assert(kTicksPerCycle * 322'265'625 == kTicksPerWireByte * 12'500'000'000);

inline constexpr unsigned kBusBytes = 64;      // bytes per beat (512 bit)
inline constexpr unsigned kPreambleBytes = 8;  // preamble + SFD, before the frame
inline constexpr unsigned kIfgBytes = 12;      // minimum inter-frame gap
inline constexpr unsigned kFcsBytes = 4;       // added by the MAC, not on the bus
inline constexpr unsigned kWireOverheadBytes = kPreambleBytes + kIfgBytes + kFcsBytes;
static_assert(kWireOverheadBytes == 24);

// Frame sizes in this model are bytes on the AXI4-Stream bus (what the kernel sees; the
// MAC strips and appends the FCS).
inline constexpr int64_t wire_slot_ticks(uint32_t bus_bytes) {
  return int64_t{bus_bytes + kWireOverheadBytes} * kTicksPerWireByte;
}

inline constexpr unsigned beats_of(uint32_t bus_bytes) {
  return (bus_bytes + kBusBytes - 1) / kBusBytes;
}

// Frames per second when frames of this size follow each other with minimum gaps.
inline constexpr double line_rate_fps(uint32_t bus_bytes) {
  return kWireBitsPerSecond / (8.0 * (bus_bytes + kWireOverheadBytes));
}

inline constexpr int64_t ceil_div(int64_t a, int64_t b) {
  return (a + b - 1) / b;
}

}  // namespace vxsn::cycle
