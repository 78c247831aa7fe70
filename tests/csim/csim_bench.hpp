// The C-simulation bench: every frame of a corpus goes through the reference datapath and
// through the hls/ kernels (on the same table, serialised into the card layout); every copy
// must match byte for byte, in order, with its egress port; then every counter must match.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "host/datapath/vni_counter_registry.hpp"
#include "tests/csim/card_harness.hpp"
#include "tests/csim/reference_harness.hpp"

namespace vxsn::csim {

struct CorpusFrame {
  std::vector<uint8_t> bytes;
  unsigned bank = 0;    // the table bank (and reference table) this frame is processed with
  uint64_t now_ns = 0;  // the storm policers' clock when the frame arrives (both sides)
  // A frame the card's steering rules give the host (punted): the reference datapath never
  // sees it (the host's own steering keeps it), and the card must send no copy of it.
  bool card_only = false;
};

class CsimBench {
 public:
  explicit CsimBench(const ParseConfig& cfg);

  // Per-VNI counters for a table being built; the VNI gets a stable card counter slot.
  VniCounters* vni_counters(uint32_t vni);
  // Makes `table` the reference table for `bank` and writes it into the card's bank.
  void load(unsigned bank, std::unique_ptr<FloodTable> table);

  // Runs the corpus through both sides; records a gtest failure for each differing frame
  // (the first few in detail). Writes <name>.pcap (input) and <name>.out.pcap (kernel copies)
  // under $VXSN_BINARY_DIR/csim. Returns the number of copies compared.
  // `inspect`, when given, also sees each frame with the kernel's copies of it.
  using Inspector = std::function<void(const CorpusFrame&, const std::vector<OutputCopy>&)>;
  size_t run(const std::string& name, const std::vector<CorpusFrame>& frames,
             const Inspector& inspect = nullptr);
  // The frames as ONE stream through the card (hw::vxsn_datapath_stream: all queued, run
  // back to back, drained), each through the reference; the kernel's copies in order must
  // equal the reference's, byte for byte. One register setting for the whole stream: every
  // frame must name the same bank and clock. Returns the number of copies compared.
  size_t run_stream(const std::string& name, const std::vector<CorpusFrame>& frames);
  // Every reference counter (rx, tx, each drop reason, each VNI) against the card's.
  void expect_counters_equal();

  CardHarness& card() { return card_; }
  const DatapathCountersSnapshot reference_counters() const { return ref_.counters(); }
  // Parse results of the last run, one per frame (the reference's view).
  const std::vector<ParsedFrame>& parsed() const { return parsed_; }

 private:
  CardHarness card_;
  ReferenceHarness ref_;
  VniCounterRegistry registry_;
  std::map<uint32_t, uint16_t> slot_of_vni_;
  std::unique_ptr<FloodTable> tables_[2];
  std::vector<ParsedFrame> parsed_;
};

}  // namespace vxsn::csim
