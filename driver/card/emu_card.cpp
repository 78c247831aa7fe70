#include "driver/card/emu_card.hpp"

#include <bit>
#include <chrono>
#include <cstring>

#include "driver/card/bank_serializer.hpp"
#include "hls/counter_layout.hpp"
#include "hls/datapath_top.hpp"
#include "hls/inject_ring_layout.hpp"
#include "hls/learn_ring_layout.hpp"
#include "hls/punt_ring_layout.hpp"
#include "hls/table_layout.hpp"

namespace vxsn {
namespace {

// Card memory is handled as bytes: the compat ap_uint<512> keeps byte i of a word at
// memory byte i on a little-endian CPU, which is the AXI byte order of the layouts.
#if defined(VXSN_USE_VITIS_HEADERS)
#error "the emulated card needs the hls/compat types (byte-addressable 512-bit words)"
#endif
static_assert(std::endian::native == std::endian::little);
static_assert(sizeof(hw::Word512) == hw::kBeatBytes);

// The kernel has process-wide state (the learn cache, storm buckets, on-chip counters) and
// the card is one pipeline: every kernel call of every EmuCard goes through this lock.
// `owner` is the card whose frames that state currently holds.
struct KernelLock {
  std::mutex mutex;
  EmuCard* owner = nullptr;
};
KernelLock& kernel_lock() {
  static KernelLock lock;
  return lock;
}

// The storm policers' clock (ControlRegs::now_ns): the same monotonic clock the software
// datapath's FloodGuard reads.
uint64_t monotonic_ns() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}

uint8_t* bytes_of(std::vector<hw::Word512>& words, size_t word) {
  return reinterpret_cast<uint8_t*>(words.data() + word);
}

}  // namespace

EmuCard::EmuCard()
    : table_mem_(card::kTableMemoryWords),
      learn_ring_(card::kLearnRingWords),
      punt_ring_(card::kPuntRingWords),
      inject_ring_(card::kInjectRingWords),
      counters_(card::kCounterWords, 0),
      counter_base_(card::kCounterWords, 0),
      copy_buf_(kCopyBufBytes + hw::kBeatBytes) {
  // Both banks hold a valid empty table, so status() and counters describe something real.
  const std::vector<uint8_t> empty = serialise_bank(CardTableSpec{});
  for (unsigned bank = 0; bank < card::kBankCount; ++bank)
    std::memcpy(bytes_of(table_mem_, card::bank_word(bank)), empty.data(), empty.size());
  active_ = inspect_bank_image(empty);
  regs_ = encode_control(control_, 0);
  std::lock_guard lock(kernel_lock().mutex);
  claim_kernel_locked();
}

EmuCard::~EmuCard() {
  // A bank ack probe that missed its deadline waiting for the kernel lock still runs on
  // `this`: let it finish first (it only takes the lock and runs one kernel call).
  ack_waiter_.wait_until_idle();
  std::lock_guard lock(kernel_lock().mutex);
  if (kernel_lock().owner == this) kernel_lock().owner = nullptr;
}

// One call of the top function on this card's memory: both table ports on the one table
// buffer, as the host binds them on a board.
void EmuCard::run_kernel_locked(uint32_t command) {
  hw::vxsn_datapath(rx_, tx_, table_mem_.data(), table_mem_.data(), learn_ring_.data(),
                    counters_.data(), regs_, command, punt_ring_.data(), inject_ring_.data());
}

void EmuCard::claim_kernel_locked() {
  if (kernel_lock().owner == this) return;
  if (kernel_lock().owner != nullptr) kernel_lock().owner->release_kernel_locked();
  run_kernel_locked(hw::kCmdReset);
  regs_.counter_snapshot = 0;  // what a reset kernel has acknowledged: nothing pending
  kernel_lock().owner = this;
}

void EmuCard::release_kernel_locked() {
  // The on-chip counters are about to be cleared for another card: keep what they counted
  // for this one.
  snapshot_counters_locked();
  for (size_t i = 0; i < counter_base_.size(); ++i) counter_base_[i] += counters_[i];
}

void EmuCard::snapshot_counters_locked() {
  regs_.counter_snapshot = hw::next_snapshot_request(regs_.counter_snapshot);
  run_kernel_locked(hw::kCmdControl);
  if (counters_[card::kCtrSnapshotAck] != regs_.counter_snapshot)
    throw CardError(CardError::Kind::kIo, "card: counter snapshot not acknowledged");
}

std::vector<uint64_t> EmuCard::counter_totals_locked() {
  std::vector<uint64_t> totals = counter_base_;
  if (kernel_lock().owner != this) return totals;  // released: the base holds everything
  snapshot_counters_locked();
  for (size_t i = 0; i < totals.size(); ++i) totals[i] += counters_[i];
  return totals;
}

void EmuCard::configure(const CardControl& control) {
  std::lock_guard lock(kernel_lock().mutex);
  hw::ControlRegs regs = encode_control(control, regs_.table_bank);  // throws first
  regs.inject_producer = regs_.inject_producer;  // the ring's index, not a setting
  regs_ = regs;
  control_ = control;
}

void EmuCard::load_table(std::span<const uint8_t> bank_image) {
  std::lock_guard load(load_mutex_);
  BankSummary summary = inspect_bank_image(bank_image);  // throws before anything is written
  unsigned active;
  {
    std::lock_guard lock(kernel_lock().mutex);
    active = regs_.table_bank;
  }
  // No frame reads the idle bank once the kernel has acknowledged the last flip: every
  // frame that latched it has been counted. (Only load_table flips, under load_mutex_.)
  wait_for_bank_ack(active);
  const unsigned idle = 1u - active;
  std::memcpy(bytes_of(table_mem_, card::bank_word(idle)), bank_image.data(), bank_image.size());
  std::lock_guard lock(kernel_lock().mutex);
  regs_.table_bank = static_cast<uint8_t>(idle);
  active_ = std::move(summary);
  ++tables_loaded_;
}

void EmuCard::wait_for_bank_ack(unsigned active_bank) {
  // The probe runs on the waiter's thread and uses `this`: the destructor waits for it.
  auto acked = [this, active_bank] {
    std::lock_guard lock(kernel_lock().mutex);
    if (counters_[card::kCtrBankAck] == active_bank) return true;
    idle_restart_locked();
    return counters_[card::kCtrBankAck] == active_bank;
  };
  if (ack_waiter_.poll(kBankAckTimeout, std::chrono::microseconds{100}, acked) !=
      DeadlineOutcome::kDone)
    throw bank_ack_timeout(active_bank, bank_ack());
}

void EmuCard::idle_restart_locked() {
  claim_kernel_locked();
  run_kernel_locked(hw::kCmdFrame);
}

uint64_t EmuCard::bank_ack() {
  std::lock_guard lock(kernel_lock().mutex);
  return counters_[card::kCtrBankAck];
}

CardCounters EmuCard::read_counters() {
  std::lock_guard lock(kernel_lock().mutex);
  return decode_counters(counter_totals_locked(), active_);
}

CardSlotCounters EmuCard::read_counter_slot(uint16_t slot) {
  std::lock_guard lock(kernel_lock().mutex);
  return decode_counter_slot(counter_totals_locked(), slot);
}

size_t EmuCard::drain_learn_events(std::vector<LearnEvent>& out) {
  std::lock_guard lock(kernel_lock().mutex);
  const uint32_t producer = get_le32(bytes_of(learn_ring_, card::kLearnProducerWord));
  uint8_t* consumer_word = bytes_of(learn_ring_, card::kLearnConsumerWord);
  uint32_t consumer = get_le32(consumer_word);
  size_t n = 0;
  for (; consumer != producer; ++consumer, ++n)
    out.push_back(decode_learn_event(
        bytes_of(learn_ring_, card::kLearnFirstEventWord + consumer % card::kLearnRingEntries)));
  put_le32(consumer_word, consumer);
  return n;
}

size_t EmuCard::drain_punted_frames(std::vector<PuntedFrame>& out) {
  std::lock_guard lock(kernel_lock().mutex);
  const uint32_t producer = get_le32(bytes_of(punt_ring_, card::kPuntProducerWord));
  uint8_t* consumer_word = bytes_of(punt_ring_, card::kPuntConsumerWord);
  uint32_t consumer = get_le32(consumer_word);
  check_punt_indices(producer, consumer);
  size_t n = 0;
  for (; consumer != producer; ++consumer, ++n)
    out.push_back(decode_punt_slot(bytes_of(punt_ring_, card::punt_slot_word(consumer))));
  put_le32(consumer_word, consumer);
  return n;
}

uint32_t EmuCard::inject_consumer_locked() {
  return get_le32(bytes_of(inject_ring_, card::kInjectConsumerWord));
}

bool EmuCard::inject_frame(uint16_t port, std::span<const uint8_t> frame) {
  std::lock_guard lock(kernel_lock().mutex);
  const uint32_t producer = regs_.inject_producer;
  const uint32_t consumer = inject_consumer_locked();
  check_inject_indices(producer, consumer);
  if (producer - consumer == card::kInjectRingSlots) return false;
  encode_inject_slot(port, frame, bytes_of(inject_ring_, card::inject_slot_word(producer)));
  regs_.inject_producer = producer + 1;  // after the slot, as the register write on a card
  return true;
}

void EmuCard::send_injected(EmuCopySink& sink) {
  std::lock_guard lock(kernel_lock().mutex);
  claim_kernel_locked();
  // A restart sends one injected frame; the ring holds at most kInjectRingSlots.
  for (unsigned i = 0;
       i < card::kInjectRingSlots && inject_consumer_locked() != regs_.inject_producer; ++i)
    run_kernel_locked(hw::kCmdFrame);
  drain_tx_locked(sink);
}

CardStatus EmuCard::status() {
  std::lock_guard lock(kernel_lock().mutex);
  CardStatus s;
  s.backend = "emu";
  s.device = "cpu";
  s.kernel_version = "vxsn_datapath (hls/ compiled for the CPU)";
  s.layout_version = card::kLayoutVersion;
  s.enabled = regs_.enable != 0;
  s.active_bank = regs_.table_bank;
  s.table_version = active_.table_version;
  s.vni_count = static_cast<uint32_t>(active_.vnis.size());
  s.vni_capacity = card::kMaxVniSlots / 2;
  s.member_count = active_.member_count;
  s.member_capacity = card::kMaxMembers;
  s.tables_loaded = tables_loaded_;
  return s;
}

void EmuCard::process(std::span<const uint8_t> frame, EmuCopySink& sink) {
  std::lock_guard lock(kernel_lock().mutex);
  claim_kernel_locked();
  regs_.now_ns = monotonic_ns();
  process_locked(frame, sink);
}

void EmuCard::process_burst(std::span<const std::span<const uint8_t>> frames, EmuCopySink& sink) {
  std::lock_guard lock(kernel_lock().mutex);
  claim_kernel_locked();
  regs_.now_ns = monotonic_ns();  // one clock reading per burst, as the reference datapath
  for (std::span<const uint8_t> frame : frames) process_locked(frame, sink);
}

void EmuCard::process_locked(std::span<const uint8_t> frame, EmuCopySink& sink) {
  // The frame as AXI4-Stream beats: byte 0 in bits 7..0 of beat 0, keep marking valid bytes.
  // A beat is built zeroed, so the bytes of a short last beat are copied straight in.
  const size_t beats = std::max<size_t>(1, (frame.size() + hw::kBeatBytes - 1) / hw::kBeatBytes);
  for (size_t k = 0; k < beats; ++k) {
    hw::AxisBeat b;
    const size_t at = k * hw::kBeatBytes;
    const size_t n = frame.size() > at ? std::min<size_t>(hw::kBeatBytes, frame.size() - at) : 0;
    if (n == hw::kBeatBytes)  // a fixed-size copy the compiler inlines
      std::memcpy(static_cast<void*>(&b.data), frame.data() + at, hw::kBeatBytes);
    else if (n != 0)
      std::memcpy(static_cast<void*>(&b.data), frame.data() + at, n);
    b.keep = n == hw::kBeatBytes ? ~uint64_t{0} : (uint64_t{1} << n) - 1;
    b.last = k + 1 == beats ? 1 : 0;
    rx_.write(b);
  }
  // A restart takes the frame, or first one injected frame if it is the inject ring's turn
  // (hls/inject.hpp): the next restart then takes the frame.
  run_kernel_locked(hw::kCmdFrame);
  if (!rx_.empty()) run_kernel_locked(hw::kCmdFrame);
  // The kernel reads a whole frame per call; a leftover beat would be a kernel bug that
  // shifts every later frame, so drop it here rather than carry it on.
  while (!rx_.empty()) rx_.read();
  drain_tx_locked(sink);
}

void EmuCard::drain_tx_locked(EmuCopySink& sink) {
  // Copies are gathered in a buffer sized for the longest one (kCopyBufBytes) plus a beat
  // of slack: every beat is copied whole (a fixed-size copy, no call; the kernel zeroes the
  // bytes past `keep`, and the next beat overwrites them), nothing is zero-filled or
  // reallocated per copy.
  size_t len = 0;
  uint16_t port = 0;
  bool first = true;
  while (!tx_.empty()) {
    const hw::AxisBeat b = tx_.read();
    if (first) port = static_cast<uint16_t>(b.dest.to_uint64());
    first = false;
    const uint64_t keep = b.keep.to_uint64();
    const unsigned valid = static_cast<unsigned>(std::countr_one(keep));
    // A kernel copy is never longer than kCopyBufBytes; a longer one (a kernel bug) is cut.
    std::memcpy(copy_buf_.data() + len, static_cast<const void*>(&b.data), hw::kBeatBytes);
    len = std::min<size_t>(len + valid, kCopyBufBytes);
    if (b.last == 1) {
      sink.on_copy(port, std::span<const uint8_t>(copy_buf_.data(), len));
      len = 0;
      first = true;
    }
  }
}

}  // namespace vxsn
