// The card through XRT: a real Alveo-class card with the vxsn datapath xclbin, or XRT's noop
// shim in CI (driver/xrt/shim_environment.hpp), where every call below is made for real but
// no kernel runs.
//
// Two modes, chosen by the kernel's control protocol in the xclbin's EMBEDDED_METADATA
// (xclbin::read_kernel_control):
//   free-running  countedAutoRestart and a mailbox: the Vitis build (hls/vitis/hls_pre.tcl).
//                 The datapath runs as one endless auto-restarting kCmdFrame run; register
//                 changes go through the kernel's mailbox. Only a board runs this mode.
//   per-call      neither: the xclbin vxsn-xclbin writes for the noop shim. Every register
//                 change is a one-shot control run; nothing starts the datapath. CI runs
//                 this mode.
// An xclbin with one of the two but not the other is refused (kBadXclbin) before the device
// is opened. XRT cannot open a free-running xclbin under the noop shim (it opens the
// compute unit exclusive, and the shim's failed register read terminates the process), so
// the free-running path is tested only as far as that refusal.
//
// What the backend does with XRT:
//   open        reads and checks the xclbin (structure, the vxsn BUILD_METADATA with the
//               table layout version, the control protocol, the kernel and its ten
//               arguments, bank sizes), then xrt::device{index}, load_xclbin, xrt::kernel
//               (exclusive when free-running), one xrt::bo per memory in the group the
//               kernel argument is connected to (kernel.group_id), with the table memory
//               split into two sub-buffers (the banks) and bound to both table arguments
//               (table_mem, member_mem: a read port each); both banks get the empty table,
//               the learn ring and counters are zeroed; then a control run with kCmdReset
//               (clears the kernel's on-chip state). Free-running: then the datapath run,
//               command kCmdFrame, run.start(xrt::autostart{}) (forever), and its
//               xrt::mailbox.
//   control     the `ctrl` argument (driver/xrt/control_image.hpp). Per-call: written by a
//               kernel run with command kCmdControl: the kernel takes its registers and
//               returns without touching the streams. XRT's noop shim cannot access xrt::ip
//               registers and corrupts its heap on run.update_arg, so run arguments are the
//               one control path that is exercised in CI. Free-running: mailbox set_arg +
//               write(), taken by the kernel at its next restart (the call returns once it
//               is taken).
//   load_table  free-running: first waits (kBankAckTimeout) until the bank ack word
//               card::kCtrBankAck names the active bank: frames that latched the idle bank
//               before the last flip may still be in the pipeline (hls/counters.hpp). Per-call:
//               no wait (control runs are synchronous, no frame runs). Then write + sync the
//               IDLE bank's sub-buffer, then the control registers with table_bank = idle.
//   counters    the control registers with a new counter snapshot request (the kernel
//               copies its on-chip counters to the counter buffer, then writes the request
//               number into the ack word). Per-call: the control run completes after the
//               copy. Free-running: the ack word card::kCtrSnapshotAck is polled (synced from
//               the device) until it holds the request, at most 1 s. Then sync the buffer
//               from the device and decode it.
//   learn       sync the ring from the device, decode producer..consumer, write the new
//               consumer index back (one 64-byte word synced to the device).
//   inject      sync the kernel's consumer word from the device; with room, write and sync
//               the frame's slot (header and the frame's own words), then the control
//               registers with the next inject_producer (hls/inject_ring_layout.hpp). The
//               kernel sends it at a later kCmdFrame restart: free-running only; per-call
//               runs no frames, so there the ring fills and inject_frame returns false.
//   close       free-running: run.stop(), wait up to 1 s, abort if still running.
//   deadlines   every wait on a free-running kernel (the mailbox calls, which XRT does not
//               bound, and the two ack polls) runs on a DeadlineWorker thread with a
//               deadline (driver/card/deadline_worker.hpp). A poll that times out throws
//               CardError{kIo}; a call still blocked in XRT after its deadline marks the card
//               failed: it throws kIo, and so does every later call (status and host_record
//               still answer) until the card is reopened. The blocked thread keeps its own
//               XRT handles, so closing the card does not free them under it.
//
// Errors are CardError. Opening either succeeds whole or throws with nothing left behind; a
// failed load_table leaves the active bank and the flip register as they were.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <vector>

#include "driver/card/card.hpp"
#include "driver/xrt/control_image.hpp"

namespace vxsn {

struct XrtCardOptions {
  unsigned device_index = 0;
  std::filesystem::path xclbin;  // built by vxsn-xclbin (noop) or by Vitis (a real card)
  CardControl control;           // control settings at open
};

// What the host has done to the card. Under the noop shim no kernel runs, so tests check
// these instead of results; on a real card it is diagnostics.
struct XrtHostRecord {
  int table_group = -1;  // memory group of the table memory buffer
  int learn_group = -1;
  int counter_group = -1;
  bool free_running = false;        // the mode (header comment); false: per-call
  uint64_t control_runs = 0;        // kernel runs that wrote the control registers
  uint64_t mailbox_writes = 0;      // free-running: control registers written by the mailbox
  uint64_t bank_writes[2] = {};     // bank images written and synced, per bank
  uint64_t learn_syncs = 0;         // learn ring reads from the device
  uint64_t counter_syncs = 0;       // counter block reads from the device
  uint64_t counter_snapshots = 0;   // snapshot requests before those reads
  uint64_t bank_ack_waits = 0;      // free-running: bank ack waits before a bank write
  uint64_t injected = 0;            // frames written to the inject ring (producer moved)
  uint32_t last_command = 0;        // the `command` of the last run started
  xrtcard::ControlImage control{};  // the `ctrl` registers last written (run or mailbox)
};

class XrtCard final : public Card {
 public:
  // Throws CardError: kNoDevice (no such device), kBadXclbin (unreadable, malformed, not the
  // vxsn kernel, another table layout, refused by XRT), kTableTooLarge (the xclbin's memory
  // bank cannot hold the table memory), kBadConfig (options.control), kIo.
  explicit XrtCard(const XrtCardOptions& options);
  ~XrtCard() override;
  XrtCard(const XrtCard&) = delete;
  XrtCard& operator=(const XrtCard&) = delete;

  void configure(const CardControl& control) override;
  void load_table(std::span<const uint8_t> bank_image) override;
  CardCounters read_counters() override;
  CardSlotCounters read_counter_slot(uint16_t slot) override;
  size_t drain_learn_events(std::vector<LearnEvent>& out) override;
  size_t drain_punted_frames(std::vector<PuntedFrame>& out) override;
  bool inject_frame(uint16_t port, std::span<const uint8_t> frame) override;
  CardStatus status() override;

  XrtHostRecord host_record() const;
  // Inject ring slot `index` (mod the ring) as the device holds it, card::kInjectSlotWords
  // words: its header and frame.
  std::vector<uint8_t> read_inject_slot(uint32_t index);
  // One table bank as the device holds it (synced from the device), card::kBankBytes bytes.
  std::vector<uint8_t> read_table_bank(unsigned bank);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;  // keeps XRT's headers out of this one
};

}  // namespace vxsn
