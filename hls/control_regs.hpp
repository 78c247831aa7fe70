// The kernel's control registers (s_axilite), as the host driver sets them.
//
// Replication parameters (source-IP mode, own IPv4/IPv6 source, TTL, UDP destination port
// of copies, egress port MACs) are NOT registers: they are baked into the flood table bank
// (header source mode, per-member outer header template with its partial checksums) by the
// serialiser, exactly as the reference builds them into its FloodTable. A register would
// tear against the precomputed templates; in the bank they flip atomically with the table.
#pragma once

#include <cstdint>

#include "hls/hls_types.hpp"

namespace vxsn::hw {

inline constexpr unsigned kMaxServiceAddrs = 8;

struct ControlRegs {
  uint8_t enable = 0;          // 0: every frame is consumed and counted as rx_disabled
  uint8_t table_bank = 0;      // 0 or 1: the bank frames starting from now look up
  uint16_t vxlan_port = 4789;  // UDP destination port a frame must carry (parse)
  // Outer destinations accepted (parse); 0: any destination accepted.
  uint8_t service_addr_count = 0;
  uint8_t service_family[kMaxServiceAddrs] = {};  // 4 or 6
  IpBits service_addr[kMaxServiceAddrs];          // lane order, IPv4 in bytes 0..3
  // The storm policers' clock in ns, latched by each frame at its first beat. The
  // emulated card writes the host's monotonic clock before each burst (the reference
  // datapath reads its clock once per burst too); on a board this register is the shell's
  // free-running timestamp (see README, "What only a board can show").
  uint64_t now_ns = 0;
  // "Snapshot counters": the host writes a new request number (never 0, which is the
  // number a reset kernel has served); the kernel copies its on-chip counters to the
  // counter block and acknowledges in card::kCtrSnapshotAck (hls/counters.hpp).
  uint8_t counter_snapshot = 0;
};

// The kernel's `command` argument: what one call (one run) does.
inline constexpr uint32_t kCmdFrame = 0;    // process one frame from rx; with none for
                                            // kIdleRestartCycles, serve a pending counter
                                            // snapshot and return (an idle restart)
inline constexpr uint32_t kCmdReset = 1;    // clear on-chip state (learn cache, storm
                                            // buckets, counters); touches no stream
inline constexpr uint32_t kCmdControl = 2;  // take the registers, serve a pending counter
                                            // snapshot; clears nothing, touches no stream

// How long a kCmdFrame run waits for a frame before it returns idle (cycles).
inline constexpr uint32_t kIdleRestartCycles = 65536;

// The next snapshot request number after `n` (skips 0).
inline constexpr uint8_t next_snapshot_request(uint8_t n) {
  return static_cast<uint8_t>(n == 255 ? 1 : n + 1);
}

}  // namespace vxsn::hw
