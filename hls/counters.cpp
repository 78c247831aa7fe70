#include "hls/counters.hpp"

#include "hls/counter_layout.hpp"

namespace vxsn::hw {
namespace {

constexpr unsigned kVniCountersUsed = 6;  // frames_in .. storm_policed
static_assert(card::kCtrVniStormPoliced + 1 == kVniCountersUsed &&
              kVniCountersUsed <= card::kCtrPerVni);
constexpr unsigned kGlobalWords = card::kCtrVniBase;

// One VNI slot's counters: one 384-bit row, read and written whole.
struct VniRow {
  uint64_t c[kVniCountersUsed];
};

// The forwarding depth covers the array's read-to-write distance in the pipelined update
// (read latency 2 of a URAM/BRAM with output register, write one cycle after the add).
constexpr unsigned kForwardDepth = 2;

// The kernel's counter state (one instance, persists across frames, cleared by reset).
struct CounterState {
  uint64_t global[kGlobalWords];  // words 0..63 of the block: rx/tx, drops, card-only
  VniRow vni[card::kMaxVniCounterSlots];
  bool fwd_valid[kForwardDepth];  // fwd 0 = the last row written
  uint16_t fwd_slot[kForwardDepth];
  VniRow fwd_row[kForwardDepth];
  uint8_t acked;     // the last snapshot request served
  uint32_t counted;  // frames counted (wraps), against the top's frames started
};

CounterState g_ctr = {};
#pragma HLS ARRAY_PARTITION variable = g_ctr.global complete
#pragma HLS ARRAY_PARTITION variable = g_ctr.fwd_row complete
#pragma HLS AGGREGATE variable = g_ctr.vni
#pragma HLS BIND_STORAGE variable = g_ctr.vni type = ram_2p impl = uram
#pragma HLS DEPENDENCE variable = g_ctr.vni inter false

// The frame's per-VNI increments.
VniRow vni_increments(const FrameOutcome& o) {
  VniRow d = {};
  d.c[card::kCtrVniFramesIn] = 1;
  d.c[card::kCtrVniBytesIn] = o.rx_bytes;
  d.c[card::kCtrVniCopiesOut] = o.copies;
  d.c[card::kCtrVniBytesOut] = o.copies ? o.tx_bytes : 0;
  d.c[card::kCtrVniSourceNotMember] = o.frame_drop == drop_code(DropReason::kSourceNotMember);
  d.c[card::kCtrVniStormPoliced] = o.frame_drop == drop_code(DropReason::kStormPoliced);
  return d;
}

void count_vni(CounterState& s, uint16_t slot, const VniRow& d) {
  // Read the row; a row written in the last kForwardDepth updates comes from the
  // forwarding registers instead (the newest wins), so back-to-back frames of one VNI
  // never read a stale row.
  VniRow row = s.vni[slot];
  for (int k = kForwardDepth - 1; k >= 0; --k) {
#pragma HLS UNROLL
    if (s.fwd_valid[k] && s.fwd_slot[k] == slot) row = s.fwd_row[k];
  }
  for (unsigned i = 0; i < kVniCountersUsed; ++i) {
#pragma HLS UNROLL
    row.c[i] += d.c[i];
  }
  s.vni[slot] = row;
  for (unsigned k = kForwardDepth - 1; k > 0; --k) {
#pragma HLS UNROLL
    s.fwd_valid[k] = s.fwd_valid[k - 1];
    s.fwd_slot[k] = s.fwd_slot[k - 1];
    s.fwd_row[k] = s.fwd_row[k - 1];
  }
  s.fwd_valid[0] = true;
  s.fwd_slot[0] = slot;
  s.fwd_row[0] = row;
}

void serve_snapshot(CounterState& s, uint64_t* counters, uint8_t request) {
  if (request == s.acked) return;
copy_global:
  for (unsigned w = 0; w < kGlobalWords; ++w) {
    // II=1: one 64-bit word per cycle on gmem_ctr (a burst), latency ~L.
#pragma HLS PIPELINE II = 1
    counters[w] = s.global[w];
  }
copy_vni:
  for (unsigned i = 0; i < card::kMaxVniCounterSlots * card::kCtrPerVni; ++i) {
    // II=1: one word per cycle, a row read every kCtrPerVni cycles; latency ~L + 2.
#pragma HLS PIPELINE II = 1
    const unsigned slot = i / card::kCtrPerVni;
    const unsigned which = i % card::kCtrPerVni;
    const VniRow row = s.vni[slot];
    counters[card::kCtrVniBase + i] = which < kVniCountersUsed ? row.c[which] : 0;
  }
  // After every counter: the host trusts the block once it sees its request number.
  counters[card::kCtrSnapshotAck] = request;
  s.acked = request;
}

// Writes the bank ack word when it changes (one m_axi write per flip, not per frame). The
// state's copy sits in the global words, so a snapshot copies the same value.
void ack_bank(CounterState& s, uint64_t* counters, uint8_t bank) {
  if (s.global[card::kCtrBankAck] == bank) return;
  s.global[card::kCtrBankAck] = bank;
  counters[card::kCtrBankAck] = bank;
}

}  // namespace

void count(OutcomeStream& in, uint64_t* counters, uint8_t snapshot_request) {
  // One outcome per call (per frame); every store updated once: II=1 on the card.
  CounterState& s = g_ctr;
  const FrameOutcome o = in.read();
  // `global` is partitioned into registers: each word below has its own adder and write
  // enable, so all of them update in the same cycle (the drop word's index is a decoder).
  uint64_t* g = s.global;
  if (o.disabled) {
    g[card::kCtrRxDisabled] += 1;
  } else if (o.to_host) {
    g[card::kCtrPunted] += o.punted ? 1 : 0;
    g[card::kCtrPuntRingFull] += o.punt_ring_full ? 1 : 0;
  } else {
    g[card::kCtrRxFrames] += 1;
    g[card::kCtrRxBytes] += o.rx_bytes;
    g[card::kCtrRxOversize] += o.oversize ? 1 : 0;
    g[card::kCtrTxCopies] += o.copies;
    g[card::kCtrTxBytes] += o.copies ? o.tx_bytes : 0;
    if (o.frame_drop != drop_code(DropReason::kNone) && o.frame_drop < card::kCtrDropSlots)
      g[card::kCtrDropBase + o.frame_drop] += 1;
    g[card::kCtrDropBase + drop_code(DropReason::kNoNextHop)] += o.no_next_hop;
    g[card::kCtrDropBase + drop_code(DropReason::kFrameTooLarge)] += o.too_large;
    g[card::kCtrLearnEvents] += o.learn_written ? 1 : 0;
    g[card::kCtrLearnSuppressed] += o.learn_suppressed ? 1 : 0;
    g[card::kCtrLearnRingFull] += o.learn_ring_full ? 1 : 0;
  }
  if (!o.disabled && !o.to_host && o.vni_found && o.counter_slot < card::kMaxVniCounterSlots)
    count_vni(s, o.counter_slot, vni_increments(o));
  ++s.counted;
  ack_bank(s, counters, o.table_bank);  // after this frame, no frame of the other bank
  serve_snapshot(s, counters, snapshot_request);
}

void counters_serve_snapshot(uint64_t* counters, uint8_t snapshot_request) {
  serve_snapshot(g_ctr, counters, snapshot_request);
}

bool counters_all_counted(uint32_t frames_started) {
  return frames_started == g_ctr.counted;
}

void counters_retire_bank(uint64_t* counters, uint8_t table_bank, uint32_t frames_started) {
  if (counters_all_counted(frames_started)) ack_bank(g_ctr, counters, table_bank & 1);
}

void counters_reset() {
  CounterState& s = g_ctr;
  for (unsigned w = 0; w < kGlobalWords; ++w) {
#pragma HLS UNROLL
    s.global[w] = 0;
  }
reset_vni:
  for (unsigned slot = 0; slot < card::kMaxVniCounterSlots; ++slot) {
    // II=1, kMaxVniCounterSlots cycles, only at reset.
#pragma HLS PIPELINE II = 1
    s.vni[slot] = VniRow{};
  }
  for (unsigned k = 0; k < kForwardDepth; ++k) {
#pragma HLS UNROLL
    s.fwd_valid[k] = false;
  }
  s.acked = 0;
  s.counted = 0;
  s.global[card::kCtrBankAck] = card::kNoBankAck;  // the next ack is written, whatever bank
}

}  // namespace vxsn::hw
