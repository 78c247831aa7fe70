#include "tests/csim/card_harness.hpp"

#include <bit>
#include <cstring>
#include <stdexcept>

#include "hls/byte_lanes.hpp"
#include "hls/counter_layout.hpp"
#include "hls/datapath_top.hpp"
#include "hls/inject_ring_layout.hpp"
#include "hls/learn_ring_layout.hpp"
#include "hls/punt_ring_layout.hpp"
#include "hls/table_layout.hpp"

namespace vxsn::csim {

// Card memory is a byte image; the compat ap_uint<512> stores byte i of a word at memory
// byte i on a little-endian CPU, exactly the AXI order, so banks are copied as bytes.
static_assert(std::endian::native == std::endian::little);
static_assert(sizeof(hw::Word512) == 64);

CardHarness::CardHarness()
    : table_mem_(card::kTableMemoryWords),
      ring_(card::kLearnRingWords),
      counters_(card::kCounterWords, 0),
      punt_ring_(card::kPuntRingWords),
      inject_ring_(card::kInjectRingWords) {
  regs_.enable = 1;
  regs_.table_bank = 0;
  regs_.vxlan_port = 4789;
  reset_kernel();
}

void CardHarness::load_bank(unsigned bank, const std::vector<uint8_t>& bank_bytes) {
  if (bank >= card::kBankCount || bank_bytes.size() != card::kBankBytes)
    throw std::invalid_argument("load_bank: bad bank or size");
  std::memcpy(&table_mem_[card::bank_word(bank)], bank_bytes.data(), bank_bytes.size());
}

void CardHarness::set_service_addresses(std::span<const IpAddr> addrs) {
  if (addrs.size() > hw::kMaxServiceAddrs) throw std::invalid_argument("too many addresses");
  regs_.service_addr_count = static_cast<uint8_t>(addrs.size());
  for (size_t i = 0; i < addrs.size(); ++i) {
    regs_.service_family[i] = static_cast<uint8_t>(addrs[i].family);
    hw::IpBits a = 0;
    for (unsigned b = 0; b < addrs[i].size(); ++b) a.range(8 * b + 7, 8 * b) = addrs[i].bytes[b];
    regs_.service_addr[i] = a;
  }
}

void CardHarness::run(hw::AxisStream& rx, hw::AxisStream& tx, uint32_t command) {
  hw::vxsn_datapath(rx, tx, table_mem_.data(), table_mem_.data(), ring_.data(), counters_.data(),
                    regs_, command, punt_ring_.data(), inject_ring_.data());
}

void CardHarness::reset_kernel() {
  hw::AxisStream rx("rx"), tx("tx");
  run(rx, tx, hw::kCmdReset);
  regs_.counter_snapshot = 0;  // what a reset kernel has served: nothing pending
  counters_stale_ = true;
}

void CardHarness::snapshot_counters() {
  hw::AxisStream rx("rx"), tx("tx");
  regs_.counter_snapshot = hw::next_snapshot_request(regs_.counter_snapshot);
  run(rx, tx, hw::kCmdControl);
  if (counters_[card::kCtrSnapshotAck] != regs_.counter_snapshot)
    throw std::logic_error("kernel did not acknowledge the counter snapshot");
  counters_stale_ = false;
}

uint64_t CardHarness::counter(unsigned index) {
  if (counters_stale_) snapshot_counters();
  return counters_.at(index);
}

std::vector<hw::AxisBeat> CardHarness::to_beats(std::span<const uint8_t> frame) {
  std::vector<hw::AxisBeat> beats;
  const size_t n = std::max<size_t>(1, (frame.size() + 63) / 64);
  for (size_t k = 0; k < n; ++k) {
    hw::AxisBeat b;
    b.data = 0;
    b.keep = 0;
    for (size_t i = 0; i < 64 && 64 * k + i < frame.size(); ++i) {
      hw::set_byte(b.data, static_cast<unsigned>(i), frame[64 * k + i]);
      b.keep[static_cast<int>(i)] = 1;
    }
    b.last = k + 1 == n ? 1 : 0;
    beats.push_back(b);
  }
  return beats;
}

std::vector<uint8_t> CardHarness::from_beats(std::span<const hw::AxisBeat> beats) {
  std::vector<uint8_t> bytes;
  for (const hw::AxisBeat& b : beats)
    for (unsigned i = 0; i < 64; ++i)
      if (b.keep[i]) bytes.push_back(hw::byte_at(b.data, i));
  return bytes;
}

namespace {

// Every copy the kernel left on `tx`, split at `last` beats.
std::vector<OutputCopy> drain_copies(hw::AxisStream& tx) {
  std::vector<OutputCopy> copies;
  std::vector<hw::AxisBeat> beats;
  while (!tx.empty()) {
    beats.push_back(tx.read());
    if (beats.back().last == 1) {
      OutputCopy c;
      c.egress_port = static_cast<uint16_t>(beats.front().dest.to_uint64());
      c.bytes = CardHarness::from_beats(beats);
      copies.push_back(std::move(c));
      beats.clear();
    }
  }
  if (!beats.empty()) throw std::logic_error("kernel sent a copy without its last beat");
  return copies;
}

}  // namespace

std::vector<OutputCopy> CardHarness::process(std::span<const uint8_t> frame) {
  hw::AxisStream rx("rx"), tx("tx");
  for (const hw::AxisBeat& b : to_beats(frame)) rx.write(b);
  run(rx, tx, hw::kCmdFrame);
  counters_stale_ = true;
  if (!rx.empty()) throw std::logic_error("kernel left beats of the frame unread");
  return drain_copies(tx);
}

std::vector<OutputCopy> CardHarness::idle_restart() {
  hw::AxisStream rx("rx"), tx("tx");
  run(rx, tx, hw::kCmdFrame);
  return drain_copies(tx);
}

std::vector<OutputCopy> CardHarness::process_stream(std::span<const std::vector<uint8_t>> frames) {
  return process_stream(frames, static_cast<uint32_t>(frames.size()));
}

std::vector<OutputCopy> CardHarness::process_stream(std::span<const std::vector<uint8_t>> frames,
                                                    uint32_t restarts) {
  hw::AxisStream rx("rx"), tx("tx");
  for (const std::vector<uint8_t>& f : frames)
    for (const hw::AxisBeat& b : to_beats(f)) rx.write(b);
  hw::vxsn_datapath_stream(rx, tx, table_mem_.data(), table_mem_.data(), ring_.data(),
                           counters_.data(), regs_, restarts, punt_ring_.data(),
                           inject_ring_.data());
  counters_stale_ = true;
  if (!rx.empty()) throw std::logic_error("kernel left beats of the stream unread");
  return drain_copies(tx);
}

uint32_t CardHarness::learn_producer() const {
  return hw::le32_at(ring_[card::kLearnProducerWord], 0);
}

std::vector<LearnEvent> CardHarness::drain_learn() {
  std::vector<LearnEvent> events;
  const uint32_t producer = learn_producer();
  uint32_t consumer = hw::le32_at(ring_[card::kLearnConsumerWord], 0);
  for (; consumer != producer; ++consumer) {
    const hw::Word512& w = ring_[card::kLearnFirstEventWord + consumer % card::kLearnRingEntries];
    LearnEvent e;
    e.vni = hw::le32_at(w, card::kEvVni);
    const uint8_t family = hw::byte_at(w, card::kEvFamily);
    uint8_t addr[16];
    for (unsigned i = 0; i < 16; ++i) addr[i] = hw::byte_at(w, card::kEvSourceVtep + i);
    e.src = family == 4 ? IpAddr::v4(addr) : IpAddr::v6(addr);
    e.vni_known = hw::byte_at(w, card::kEvFlags) & card::kEvFlagVniKnown;
    e.table_version = hw::le64_at(w, card::kEvTableVersion);
    events.push_back(e);
  }
  hw::Word512 index = 0;
  hw::set_le32(index, 0, consumer);
  ring_[card::kLearnConsumerWord] = index;
  return events;
}

std::vector<PuntedFrame> CardHarness::drain_punt() {
  std::vector<PuntedFrame> frames;
  const uint32_t producer = hw::le32_at(punt_ring_[card::kPuntProducerWord], 0);
  uint32_t consumer = hw::le32_at(punt_ring_[card::kPuntConsumerWord], 0);
  for (; consumer != producer; ++consumer)
    frames.push_back(decode_punt_slot(
        reinterpret_cast<const uint8_t*>(&punt_ring_[card::punt_slot_word(consumer)])));
  hw::Word512 index = 0;
  hw::set_le32(index, 0, consumer);
  punt_ring_[card::kPuntConsumerWord] = index;
  return frames;
}

void CardHarness::inject(uint16_t port, std::span<const uint8_t> frame) {
  if (regs_.inject_producer - inject_consumer() >= card::kInjectRingSlots)
    throw std::logic_error("inject ring full");
  auto* slot =
      reinterpret_cast<uint8_t*>(&inject_ring_[card::inject_slot_word(regs_.inject_producer)]);
  encode_inject_slot(port, frame, slot);
  ++regs_.inject_producer;
}

void CardHarness::write_inject_header(uint32_t index, uint32_t length, uint16_t port) {
  auto* slot = reinterpret_cast<uint8_t*>(&inject_ring_[card::inject_slot_word(index)]);
  put_le32(slot + card::kInjectLength, length);
  put_le16(slot + card::kInjectPort, port);
}

uint32_t CardHarness::inject_consumer() const {
  return hw::le32_at(inject_ring_[card::kInjectConsumerWord], 0);
}

}  // namespace vxsn::csim
