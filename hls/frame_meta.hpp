// What travels beside the frame data between the kernel's processes (small FIFOs, one
// element per frame).
#pragma once

#include <cstdint>

#include "hls/drop_reason.hpp"
#include "hls/hls_types.hpp"

namespace vxsn::hw {

// parse -> replicate. Written after the frame's last beat (its length is known only then).
struct FrameMeta {
  uint8_t drop = 0;        // DropReason code; the first failing check of the parse order
  bool disabled = false;   // kernel not enabled: consume only
  bool oversize = false;   // longer than the frame buffer; only the first beats were passed on
  uint8_t bank = 0;        // table bank latched at the first beat
  uint64_t now_ns = 0;     // policer clock latched at the first beat
  uint32_t frame_len = 0;  // bytes received
  uint32_t vni = 0;
  uint8_t src_family = 0;  // 4 or 6
  IpBits src_vtep;         // outer source address
  bool has_vlan = false;
  uint16_t vlan_tci = 0;
  uint16_t udp_src_port = 0;
  uint8_t vxlan_offset = 0;  // the copies' payload (VXLAN header + inner frame) starts here
  uint16_t payload_len = 0;  // UDP length - 8: VXLAN header + inner frame, no padding
  uint32_t payload_sum = 0;  // ones'-complement sum of the payload's big-endian words
  // Set by punt (hls/punt.hpp): the steering rules gave the frame to the host; it was
  // written to the punt ring (punted) or lost to a full ring. Never replicated or dropped.
  bool to_host = false;
  bool punted = false;
  bool punt_ring_full = false;
};

// replicate -> learn -> count: everything the counters and the learn path need.
struct FrameOutcome {
  uint32_t rx_bytes = 0;
  bool disabled = false;
  bool oversize = false;
  uint8_t frame_drop = 0;    // DropReason counted once for the frame (0: none)
  uint16_t no_next_hop = 0;  // per-copy drops
  uint16_t too_large = 0;
  uint16_t copies = 0;
  uint32_t tx_bytes = 0;
  bool vni_found = false;  // per-VNI counters apply
  uint16_t counter_slot = 0xFFFF;
  // Learn request: the sender is not a member of the VNI (or the VNI is unknown).
  bool learn = false;
  bool learn_vni_known = false;
  uint32_t vni = 0;
  uint8_t src_family = 0;
  IpBits src_vtep;
  uint64_t table_version = 0;
  // Filled by learn for the counters.
  bool learn_written = false;
  bool learn_suppressed = false;
  bool learn_ring_full = false;
  // The table bank this frame's lookup and member records were read from: carried to the
  // end of the pipeline, where count acknowledges it (card::kCtrBankAck).
  uint8_t table_bank = 0;
  // From punt, for the counters: a frame for the host is not the datapath's (no rx, no
  // drop), only punted or punt_ring_full.
  bool to_host = false;
  bool punted = false;
  bool punt_ring_full = false;
};

inline constexpr uint8_t drop_code(DropReason r) {
  return static_cast<uint8_t>(r);
}

}  // namespace vxsn::hw
