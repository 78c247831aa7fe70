// Runs frames through the reference datapath (host/datapath: process_frame) and collects
// its copies in the same form as CardHarness, so the two compare with ==.
#pragma once

#include <memory>
#include <span>
#include <vector>

#include "host/datapath/replicator.hpp"
#include "tests/csim/card_harness.hpp"

namespace vxsn::csim {

class ReferenceHarness {
 public:
  explicit ReferenceHarness(ParseConfig cfg) : cfg_(cfg) {}

  // `now_ns`: the policers' clock for this frame (the card latches the same value).
  std::vector<OutputCopy> process(std::span<const uint8_t> frame, const FloodTable& table,
                                  ParsedFrame* parsed = nullptr, uint64_t now_ns = 0) {
    Sink sink;
    guard_->now_ns = now_ns;
    process_frame(frame, cfg_, table, counters_, sink, parsed, guard_.get());
    return std::move(sink.copies);
  }
  DatapathCountersSnapshot counters() const { return counters_.snapshot(); }

 private:
  // Every acquire gets a buffer: the card has no buffer pool that could run dry.
  struct Sink {
    std::vector<OutputCopy> copies;
    uint8_t* acquire(uint16_t port, uint32_t len) {
      copies.push_back({port, std::vector<uint8_t>(len)});
      return copies.back().bytes.data();
    }
    void commit(uint16_t, uint32_t) {}
  };

  ParseConfig cfg_;
  DatapathCounters counters_;
  std::unique_ptr<FloodGuard> guard_ = std::make_unique<FloodGuard>();  // the VTEP buckets
};

}  // namespace vxsn::csim
