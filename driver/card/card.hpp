// The card as the host daemon sees it: one interface, two backends (driver/card/emu_card.hpp:
// the hls/ kernels compiled for the CPU; the XRT backend: a real card through XRT).
//
// Loading a table is two steps on purpose:
//   1. serialise_bank() (driver/card/bank_serializer.hpp) turns a driver-level table
//      description (CardTableSpec) into one bank image in the exact card layout
//      (hls/table_layout.hpp). Every capacity check happens here, so a table too large
//      throws CardError{kTableTooLarge} before any card memory is touched.
//   2. Card::load_table(image) validates the image (size, magic, layout version), writes it
//      into the IDLE bank, then flips the `table_bank` register. A frame latches the bank at
//      its first beat, so no frame ever sees a half-written table.
// Why an image and not a FloodTable: driver/ may not include host/, and a ready image keeps
// both backends to "copy bytes, flip a register" (the XRT backend is a bo write + sync).
// The host turns its FloodTable into a CardTableSpec (host/daemon/card_datapath.hpp).
//
// Packet I/O is NOT part of this interface: a real card has its own Ethernet ports. Only the
// emulated card takes frames (EmuCard::process). What the card's steering rules give the
// host comes back through drain_punted_frames (the punt ring); the host's own frames (its
// kernel's ARP and ND answers, BGP, BFD, ICMP) go out of the card's ports through
// inject_frame (the inject ring, hls/inject_ring_layout.hpp).
//
// Threading: configure/load_table/read_counters/drain_learn_events/drain_punted_frames/
// inject_frame/status may be called from one control thread while the datapath runs;
// implementations make that safe.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "driver/net_types.hpp"
#include "hls/control_regs.hpp"
#include "hls/drop_reason.hpp"

namespace vxsn {

class CardError : public std::runtime_error {
 public:
  enum class Kind : uint8_t {
    kNoDevice,       // no card / device index out of range / cannot open
    kBadXclbin,      // xclbin missing, unreadable, or without the vxsn kernel
    kTableTooLarge,  // the table exceeds a layout capacity (VNIs, members, fan-out, slots)
    kBadImage,       // a bank image of the wrong size / magic / layout version
    kBadConfig,      // control settings the card cannot hold (e.g. > 8 service addresses)
    kIo,             // a transfer to or from the card failed
    kBadFrame,       // a frame to inject the card cannot send (empty, over 9216 bytes)
  };
  CardError(Kind kind, const std::string& what) : std::runtime_error(what), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

// The s_axilite control settings (hls/control_regs.hpp) the host chooses. Replication
// parameters (source mode, own addresses, TTL, port MACs) are not here: they are in the
// bank image, so they flip atomically with the table.
struct CardControl {
  uint16_t vxlan_port = 4789;         // UDP destination port a frame must carry
  std::vector<IpAddr> service_addrs;  // accepted outer destinations; empty: any (max 8)
  bool enable = true;                 // false: frames are consumed, counted as rx_disabled
  // The steering policy as the card enforces it (driver/steering/card_steer_rules.hpp,
  // at most hw::kMaxSteerRules). Empty: the card takes every frame as the datapath's (the
  // host steered them already); otherwise the card punts host- and registration-tier
  // frames to the punt ring (drain_punted_frames) and counts drop-tier ones.
  std::vector<hw::SteerRuleRegs> steer_rules;
};

// Per VNI counters (hls/counter_layout.hpp, one counter slot per VNI).
struct CardVniCounters {
  uint32_t vni = 0;
  uint16_t counter_slot = 0;
  uint64_t frames_in = 0;
  uint64_t bytes_in = 0;
  uint64_t copies_out = 0;
  uint64_t bytes_out = 0;
  uint64_t source_not_member = 0;  // frames refused by the VNI's source check
  uint64_t storm_policed = 0;      // frames refused by a storm policer
};

// The counters of one VNI counter slot, whichever VNI (if any) the active table gives
// it. The counter block only grows (the kernel is its one writer), so the host reads a slot
// before giving it to another VNI and counts that VNI from there.
struct CardSlotCounters {
  uint64_t frames_in = 0;
  uint64_t bytes_in = 0;
  uint64_t copies_out = 0;
  uint64_t bytes_out = 0;
  uint64_t source_not_member = 0;
  uint64_t storm_policed = 0;
};

// The counter block, read at one moment. The first part compares one to one with the
// reference datapath's DatapathCountersSnapshot.
struct CardCounters {
  uint64_t rx_frames = 0;
  uint64_t rx_bytes = 0;
  uint64_t tx_copies = 0;
  uint64_t tx_bytes = 0;
  std::array<uint64_t, kDropReasonCount> drops{};  // indexed by DropReason code
  // Card-only.
  uint64_t learn_events = 0;
  uint64_t learn_suppressed = 0;
  uint64_t learn_ring_full = 0;
  uint64_t rx_disabled = 0;
  uint64_t rx_oversize = 0;
  uint64_t punted = 0;          // frames written to the punt ring
  uint64_t punt_ring_full = 0;  // frames for the host lost to a full punt ring
  // One element per VNI of the ACTIVE table that has a counter slot, sorted by VNI.
  std::vector<CardVniCounters> vnis;

  uint64_t drop(DropReason r) const { return drops[static_cast<unsigned>(r)]; }
};

// A (VNI, source VTEP) pair the card saw that is not a member of the VNI's flood list.
struct LearnEvent {
  uint32_t vni = 0;
  IpAddr vtep;                 // the sending VTEP (outer source address)
  bool vni_known = false;      // false: the VNI itself is not in the table
  uint64_t table_version = 0;  // version of the table the frame was checked against
};

// A frame the card's steering rules gave the host (hls/punt_ring_layout.hpp), whole.
struct PuntedFrame {
  uint8_t tier = hw::kSteerHost;  // hw::kSteerHost or hw::kSteerRegistration
  uint16_t port = 0;              // the card port it arrived on
  std::vector<uint8_t> bytes;
};

struct CardStatus {
  std::string backend;          // "emu" or "xrt"
  std::string device;           // e.g. "cpu", or the XRT device name / BDF
  std::string kernel_version;   // e.g. "vxsn_datapath" + build id, or "hls-cpu"
  uint16_t layout_version = 0;  // card::kLayoutVersion the driver writes
  bool enabled = false;
  unsigned active_bank = 0;      // 0 or 1
  uint64_t table_version = 0;    // version in the active bank's header (0: none loaded)
  uint32_t vni_count = 0;        // VNIs in the active table
  uint32_t vni_capacity = 0;     // card::kMaxVniSlots / 2
  uint32_t member_count = 0;     // members in the active table
  uint32_t member_capacity = 0;  // card::kMaxMembers
  uint64_t tables_loaded = 0;    // successful load_table calls since open
  std::string run_mode;          // xrt: "free-running" or "per-call" (xrt_card.hpp); emu: ""
};

class Card {
 public:
  virtual ~Card() = default;

  // Writes the control registers. Throws CardError{kBadConfig} (nothing written) when the
  // settings do not fit, e.g. more than hw::kMaxServiceAddrs service addresses or an
  // address without a family.
  virtual void configure(const CardControl& control) = 0;

  // `bank_image` is one bank, card::kBankBytes bytes, from serialise_bank(). Validates it
  // (CardError{kBadImage}, nothing written), writes the idle bank, flips. On return every
  // frame that starts from now on uses the new table.
  virtual void load_table(std::span<const uint8_t> bank_image) = 0;

  virtual CardCounters read_counters() = 0;
  // One counter slot (< card::kMaxVniCounterSlots; otherwise all zero).
  virtual CardSlotCounters read_counter_slot(uint16_t slot) = 0;

  // Appends the learn events the card produced since the last drain (oldest first) and
  // frees their ring slots; returns how many were appended.
  virtual size_t drain_learn_events(std::vector<LearnEvent>& out) = 0;

  // Appends the frames the card's steering rules gave the host (CardControl::steer_rules:
  // host and registration tiers) since the last drain, oldest first, and frees their
  // punt-ring slots; returns how many were appended. With no rules the ring stays empty.
  virtual size_t drain_punted_frames(std::vector<PuntedFrame>& out) = 0;

  // Queues `frame`, one of the host's own, for the card to send out of its port `port`
  // after the frames queued before it (the inject ring). Returns false, nothing written,
  // when the ring is full: the card has not yet sent card::kInjectRingSlots frames. Throws
  // CardError{kBadFrame} for an empty frame or one over card::kInjectSlotFrameBytes.
  virtual bool inject_frame(uint16_t port, std::span<const uint8_t> frame) = 0;

  virtual CardStatus status() = 0;
};

}  // namespace vxsn
