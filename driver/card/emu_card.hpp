// The emulated card: the hls/ datapath kernel compiled for the CPU, with card memory in host
// memory in the card's exact byte layout (two table banks, the learn ring, the counter
// block) and the control registers in a struct. One kernel call per frame, as on the card.
//
// Unlike a real card it has no Ethernet ports: the caller feeds frames (process) and gets
// each copy back with its egress port (the copy's AXI4-Stream TDEST). Frames the host
// injects (inject_frame) leave the kernel the same way, at the restart the kernel gives
// them: in a later process() or in send_injected(), whichever runs the kernel first.
//
// Threading: any number of threads may call process() and the Card methods. Kernel calls
// are serialised (one kernel, like one card); load_table writes the idle bank without
// stopping the datapath and holds the kernel only for the bank flip. The kernel's on-chip
// state (learn cache, storm buckets, counters) is one object per process (statics in hls/);
// when two EmuCards take turns it is reset at each switch, which can only cause extra learn
// events and fresh storm buckets. Counters survive the switch: the card losing the kernel
// takes a snapshot first and keeps it as its base (counter_base_).
//
// Counters are read as on a card: a snapshot request (ControlRegs::counter_snapshot and a
// control call), its acknowledgement checked, then the block read.
//
// Table loads follow the card's bank ack protocol (hls/counters.hpp): load_table waits,
// with the shared deadline (DeadlineWorker, kBankAckTimeout), until the kernel's ack word
// names the active bank before it overwrites the idle one. Frames acknowledge as they are
// counted; with no frame since the flip, the wait gives the kernel an idle restart, as a
// free-running card takes by itself.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include "driver/card/card.hpp"
#include "driver/card/card_memory.hpp"
#include "driver/card/deadline_worker.hpp"
#include "hls/hls_types.hpp"
#include "hls/kernel_streams.hpp"

namespace vxsn {

// Receives the copies of one frame, in the order the kernel sent them.
class EmuCopySink {
 public:
  virtual ~EmuCopySink() = default;
  // `copy` is valid only during the call.
  virtual void on_copy(uint16_t egress_port, std::span<const uint8_t> copy) = 0;
};

class EmuCard final : public Card {
 public:
  // Memories zeroed (both banks hold the empty table), kernel reset, enabled with the
  // default CardControl (VXLAN port 4789, any destination).
  EmuCard();
  ~EmuCard() override;
  EmuCard(const EmuCard&) = delete;
  EmuCard& operator=(const EmuCard&) = delete;

  void configure(const CardControl& control) override;
  void load_table(std::span<const uint8_t> bank_image) override;
  CardCounters read_counters() override;
  CardSlotCounters read_counter_slot(uint16_t slot) override;
  size_t drain_learn_events(std::vector<LearnEvent>& out) override;
  size_t drain_punted_frames(std::vector<PuntedFrame>& out) override;
  bool inject_frame(uint16_t port, std::span<const uint8_t> frame) override;
  CardStatus status() override;

  // Gives the kernel idle restarts until it has sent every injected frame (a free-running
  // card restarts by itself); they go to `sink`, with whatever else was left on tx.
  void send_injected(EmuCopySink& sink);

  // One frame through the kernel; its copies go to `sink` before this returns.
  void process(std::span<const uint8_t> frame, EmuCopySink& sink);
  // Several frames under one acquisition of the kernel (cheaper per frame).
  void process_burst(std::span<const std::span<const uint8_t>> frames, EmuCopySink& sink);

  // The kernel's table bank ack word (card::kCtrBankAck) as the card memory holds it.
  uint64_t bank_ack();

 private:
  void process_locked(std::span<const uint8_t> frame, EmuCopySink& sink);
  // Everything on tx to `sink`, split at `last` beats.
  void drain_tx_locked(EmuCopySink& sink);
  uint32_t inject_consumer_locked();
  void run_kernel_locked(uint32_t command);
  void claim_kernel_locked();
  void release_kernel_locked();
  void snapshot_counters_locked();
  void wait_for_bank_ack(unsigned active_bank);
  // One kCmdFrame call with no frame queued: a free-running card's idle restart.
  void idle_restart_locked();
  std::vector<uint64_t> counter_totals_locked();

  std::mutex load_mutex_;  // one load_table at a time
  // Card memory. Word512 of the compat layer is 64 bytes with byte i at memory byte i.
  std::vector<hw::Word512> table_mem_;
  std::vector<hw::Word512> learn_ring_;
  std::vector<hw::Word512> punt_ring_;
  std::vector<hw::Word512> inject_ring_;
  std::vector<uint64_t> counters_;      // the kernel's counter block (its last snapshot)
  std::vector<uint64_t> counter_base_;  // counted for this card in its earlier turns

  // Guarded by the process-wide kernel mutex (emu_card.cpp).
  CardControl control_;
  hw::ControlRegs regs_;
  BankSummary active_;
  uint64_t tables_loaded_ = 0;
  hw::AxisStream rx_{"emu_rx"};
  hw::AxisStream tx_{"emu_tx"};
  // The longest copy: a full frame behind the largest outer header, in whole beats.
  static constexpr size_t kCopyBufBytes = wire::kMaxFrameLen + 2 * hw::kBeatBytes;
  std::vector<uint8_t> copy_buf_;  // kCopyBufBytes and a beat of slack

  // Its probes use this card; the destructor waits until it is idle.
  DeadlineWorker ack_waiter_;
};

}  // namespace vxsn
