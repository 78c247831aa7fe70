// The daemon's side of one card, whichever backend (the emulated card, or a real one
// through XRT): tables in (what the card can hold, the rest counted as left out, never the
// whole table refused), counters and learn events out, its status for the API.
// Control thread.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "driver/card/card.hpp"
#include "driver/card/card_admission.hpp"
#include "host/daemon/card_counter_slots.hpp"
#include "host/daemon/forwarding.hpp"
#include "host/datapath/vni_counter_registry.hpp"

namespace vxsn {

class CardAgent {
 public:
  // `card` and `vni_counters` outlive this.
  CardAgent(Card& card, VniCounterRegistry& vni_counters);

  // Loads what the card can hold of `table` into its idle bank, then flips. False (logged):
  // a transfer failed and the running table stays.
  bool publish(const FloodTable& table, uint64_t generation);
  // Throws CardError when the card cannot be read.
  void drain_learn_events(const Forwarding::LearnSink& learn);
  // The card's counters (read once: every figure of one instant) plus `host`, what the host
  // counted around the card (its own drops, frames left to the kernel).
  ForwardingReading read_counters(const DatapathCountersSnapshot& host, uint64_t host_frames);
  CardInfo card_info();

 private:
  Card& card_;
  VniCounterRegistry& vni_counters_;
  CardCounterSlots counter_slots_;
  CardLeftOut left_out_;  // what the card's active table lacks
  std::vector<LearnEvent> learn_events_;
};

}  // namespace vxsn
