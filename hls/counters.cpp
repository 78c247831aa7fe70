#include "hls/counters.hpp"

#include "hls/counter_layout.hpp"

namespace vxsn::hw {

void count(OutcomeStream& in, uint64_t* counters) {
  const FrameOutcome o = in.read();
  if (o.disabled) {
    counters[card::kCtrRxDisabled] += 1;
    return;
  }
  counters[card::kCtrRxFrames] += 1;
  counters[card::kCtrRxBytes] += o.rx_bytes;
  if (o.oversize) counters[card::kCtrRxOversize] += 1;
  if (o.frame_drop != drop_code(DropReason::kNone))
    counters[card::kCtrDropBase + o.frame_drop] += 1;
  if (o.no_next_hop)
    counters[card::kCtrDropBase + drop_code(DropReason::kNoNextHop)] += o.no_next_hop;
  if (o.too_large)
    counters[card::kCtrDropBase + drop_code(DropReason::kFrameTooLarge)] += o.too_large;
  if (o.copies) {
    counters[card::kCtrTxCopies] += o.copies;
    counters[card::kCtrTxBytes] += o.tx_bytes;
  }
  if (o.vni_found && o.counter_slot < card::kMaxVniCounterSlots) {
    counters[card::vni_counter(o.counter_slot, card::kCtrVniFramesIn)] += 1;
    counters[card::vni_counter(o.counter_slot, card::kCtrVniBytesIn)] += o.rx_bytes;
    if (o.frame_drop == drop_code(DropReason::kSourceNotMember))
      counters[card::vni_counter(o.counter_slot, card::kCtrVniSourceNotMember)] += 1;
    if (o.frame_drop == drop_code(DropReason::kStormPoliced))
      counters[card::vni_counter(o.counter_slot, card::kCtrVniStormPoliced)] += 1;
    if (o.copies) {
      counters[card::vni_counter(o.counter_slot, card::kCtrVniCopiesOut)] += o.copies;
      counters[card::vni_counter(o.counter_slot, card::kCtrVniBytesOut)] += o.tx_bytes;
    }
  }
  if (o.learn_written) counters[card::kCtrLearnEvents] += 1;
  if (o.learn_suppressed) counters[card::kCtrLearnSuppressed] += 1;
  if (o.learn_ring_full) counters[card::kCtrLearnRingFull] += 1;
}

}  // namespace vxsn::hw
