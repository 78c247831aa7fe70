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

// The steering policy (driver/steering/steering_policy.hpp) as the card enforces it: the
// policy's rules with the service address factored out (every address gets the same rule
// shapes, so "dst is one of service_addr[]" stands for the per-address copies), in policy
// order; the first rule that matches decides (hls/steer.hpp). Built by
// driver/steering/card_steer_rules.hpp; none of it is the card's own policy.
inline constexpr unsigned kMaxSteerRules = 32;
// SteerRuleRegs::l3
inline constexpr uint8_t kSteerL3Any = 0;
inline constexpr uint8_t kSteerL3Arp = 1;
inline constexpr uint8_t kSteerL3Ipv4 = 2;
inline constexpr uint8_t kSteerL3Ipv6 = 3;
// SteerRuleRegs::flags
inline constexpr uint8_t kSteerToService = 0x01;  // outer destination is a service address
inline constexpr uint8_t kSteerFragment = 0x02;   // only fragments without an L4 header
// SteerRuleRegs::action (and a punt slot's tier byte, hls/punt_ring_layout.hpp)
inline constexpr uint8_t kSteerDatapath = 0;
inline constexpr uint8_t kSteerRegistration = 1;
inline constexpr uint8_t kSteerHost = 2;
inline constexpr uint8_t kSteerDrop = 3;

struct SteerRuleRegs {
  uint8_t l3 = kSteerL3Any;
  uint8_t flags = 0;
  uint8_t ip_proto = 0;  // 0: any (IPv6: the first next header)
  uint8_t action = kSteerDatapath;
  uint16_t src_port = 0;  // UDP/TCP, 0: any; a port match needs the L4 header
  uint16_t dst_port = 0;
};

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
  // Punting (hls/punt.hpp): 0 rules, the kernel takes every frame as the datapath's (the
  // host's own steering sent it only those: emu mode behind the software classifier);
  // otherwise host- and registration-tier frames go whole to the punt ring and drop-tier
  // and datapath frames to parse's checks.
  uint8_t steer_rule_count = 0;
  SteerRuleRegs steer_rules[kMaxSteerRules];
  // Injecting (hls/inject.hpp): the host's producer index of the inject ring
  // (hls/inject_ring_layout.hpp), written after the slot; ahead of the kernel's consumer,
  // a restart sends the next frame out of the card.
  uint32_t inject_producer = 0;
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
