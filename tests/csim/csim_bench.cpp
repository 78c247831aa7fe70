#include "tests/csim/csim_bench.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <stdexcept>

#include "hls/counter_layout.hpp"
#include "hls/table_layout.hpp"
#include "host/daemon/card_table_spec.hpp"
#include "sim/tools/pcap_io.hpp"

namespace vxsn::csim {
namespace {

std::string describe_difference(const std::vector<OutputCopy>& ref,
                                const std::vector<OutputCopy>& card) {
  if (ref.size() != card.size())
    return "reference sent " + std::to_string(ref.size()) + " copies, kernel " +
           std::to_string(card.size());
  for (size_t i = 0; i < ref.size(); ++i) {
    if (ref[i].egress_port != card[i].egress_port)
      return "copy " + std::to_string(i) + ": egress port " + std::to_string(ref[i].egress_port) +
             " vs " + std::to_string(card[i].egress_port);
    if (ref[i].bytes.size() != card[i].bytes.size())
      return "copy " + std::to_string(i) + ": length " + std::to_string(ref[i].bytes.size()) +
             " vs " + std::to_string(card[i].bytes.size());
    for (size_t b = 0; b < ref[i].bytes.size(); ++b)
      if (ref[i].bytes[b] != card[i].bytes[b])
        return "copy " + std::to_string(i) + ": first differing byte " + std::to_string(b) +
               " (reference " + std::to_string(ref[i].bytes[b]) + ", kernel " +
               std::to_string(card[i].bytes[b]) + ")";
  }
  return "identical";
}

std::filesystem::path corpus_dir() {
  // The build tree (tests/csim/corpora) when CMake says where it is, else the temp dir.
#ifdef VXSN_CSIM_CORPUS_DIR
  const std::filesystem::path dir = VXSN_CSIM_CORPUS_DIR;
#else
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "vxsn-csim";
#endif
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace

CsimBench::CsimBench(const ParseConfig& cfg) : ref_(cfg) {
  card_.regs().vxlan_port = cfg.vxlan_port;
  card_.set_service_addresses(std::span(cfg.service_addrs.data(), cfg.service_addr_count));
}

VniCounters* CsimBench::vni_counters(uint32_t vni) {
  slot_of_vni_.try_emplace(vni, static_cast<uint16_t>(slot_of_vni_.size()));
  return registry_.get_or_create(vni);
}

void CsimBench::load(unsigned bank, std::unique_ptr<FloodTable> table) {
  const auto slot_of = [this](const VniEntry& e) -> uint16_t {
    if (e.counters == nullptr) return card::kNoCounterSlot;
    return slot_of_vni_.at(e.vni);
  };
  card_.load_bank(bank, card_bank_image(*table, slot_of));
  tables_[bank] = std::move(table);
}

size_t CsimBench::run(const std::string& name, const std::vector<CorpusFrame>& frames,
                      const Inspector& inspect) {
  std::vector<sim::Frame> inputs, outputs;
  size_t compared = 0;
  int reported = 0;
  parsed_.clear();
  for (size_t i = 0; i < frames.size(); ++i) {
    const CorpusFrame& f = frames[i];
    inputs.push_back(f.bytes);
    if (f.card_only) {
      card_.regs().now_ns = f.now_ns;
      const auto got = card_.process(f.bytes);
      if (inspect) inspect(f, got);
      if (!got.empty() && reported++ < 5)
        ADD_FAILURE() << name << " frame " << i << ": " << got.size() << " copies of a host frame";
      parsed_.push_back(ParsedFrame{});
      continue;
    }
    ParsedFrame parsed;
    const auto ref = ref_.process(f.bytes, *tables_[f.bank], &parsed, f.now_ns);
    parsed_.push_back(parsed);
    card_.regs().table_bank = static_cast<uint8_t>(f.bank);
    card_.regs().now_ns = f.now_ns;
    const auto got = card_.process(f.bytes);
    for (const OutputCopy& c : got) outputs.push_back(c.bytes);
    if (inspect) inspect(f, got);
    compared += ref.size();
    if (ref != got && reported++ < 5) {
      ADD_FAILURE() << name << " frame " << i << " (" << f.bytes.size() << " bytes, bank " << f.bank
                    << ", parse drop " << drop_reason_label(parsed.drop)
                    << "): " << describe_difference(ref, got);
    }
  }
  EXPECT_EQ(reported, 0) << name << ": frames whose copies differ";
  const auto dir = corpus_dir();
  sim::write_pcap(dir / (name + ".pcap"), inputs);
  sim::write_pcap(dir / (name + ".out.pcap"), outputs);
  return compared;
}

size_t CsimBench::run_stream(const std::string& name, const std::vector<CorpusFrame>& frames) {
  if (frames.empty()) return 0;
  std::vector<OutputCopy> ref;
  std::vector<std::vector<uint8_t>> bytes;
  for (const CorpusFrame& f : frames) {
    if (f.bank != frames.front().bank || f.now_ns != frames.front().now_ns)
      throw std::invalid_argument("run_stream: one bank and clock per stream");
    ParsedFrame parsed;
    for (OutputCopy& c : ref_.process(f.bytes, *tables_[f.bank], &parsed, f.now_ns))
      ref.push_back(std::move(c));
    bytes.push_back(f.bytes);
  }
  card_.regs().table_bank = static_cast<uint8_t>(frames.front().bank);
  card_.regs().now_ns = frames.front().now_ns;
  const std::vector<OutputCopy> got = card_.process_stream(bytes);
  EXPECT_EQ(describe_difference(ref, got), "identical") << name;
  return ref.size();
}

void CsimBench::expect_counters_equal() {
  const DatapathCountersSnapshot r = ref_.counters();
  CardHarness& c = card_;
  EXPECT_EQ(r.rx_frames, c.counter(card::kCtrRxFrames)) << "rx_frames";
  EXPECT_EQ(r.rx_bytes, c.counter(card::kCtrRxBytes)) << "rx_bytes";
  EXPECT_EQ(r.tx_copies, c.counter(card::kCtrTxCopies)) << "tx_copies";
  EXPECT_EQ(r.tx_bytes, c.counter(card::kCtrTxBytes)) << "tx_bytes";
  for (unsigned d = 0; d < kDropReasonCount; ++d)
    EXPECT_EQ(r.drops[d], c.counter(card::kCtrDropBase + d))
        << "drop counter " << drop_reason_label(static_cast<DropReason>(d));
  for (const auto& [vni, slot] : slot_of_vni_) {
    const VniCountersSnapshot v = registry_.find(vni)->snapshot();
    EXPECT_EQ(v.frames_in, c.counter(card::vni_counter(slot, card::kCtrVniFramesIn))) << vni;
    EXPECT_EQ(v.bytes_in, c.counter(card::vni_counter(slot, card::kCtrVniBytesIn))) << vni;
    EXPECT_EQ(v.copies_out, c.counter(card::vni_counter(slot, card::kCtrVniCopiesOut))) << vni;
    EXPECT_EQ(v.bytes_out, c.counter(card::vni_counter(slot, card::kCtrVniBytesOut))) << vni;
    EXPECT_EQ(v.source_not_member, c.counter(card::vni_counter(slot, card::kCtrVniSourceNotMember)))
        << vni;
    EXPECT_EQ(v.storm_policed, c.counter(card::vni_counter(slot, card::kCtrVniStormPoliced)))
        << vni;
  }
}

}  // namespace vxsn::csim
