#include "host/daemon/kernel_path_switch.hpp"

#include <algorithm>

namespace vxsn {
namespace {

// Sends `n` frames on `port`'s TX queue `queue`, counting what went and freeing (and
// counting) what did not: a full TAP or TX ring loses frames as a wire would.
void send_or_free(DpdkPort& port, rte_mbuf** frames, uint16_t n, uint16_t queue,
                  SingleWriterCounter& sent, SingleWriterCounter& dropped) {
  const uint16_t done = port.tx_burst(frames, n, queue);
  sent.add(done);
  if (done < n) {
    dropped.add(n - done);
    rte_pktmbuf_free_bulk(frames + done, n - done);
  }
}

}  // namespace

bool KernelPathSwitch::any() const {
  return std::any_of(taps_.begin(), taps_.end(), [](const DpdkPort* p) { return p != nullptr; });
}

DpdkPort* KernelPathSwitch::tap_of(const DpdkPort* port) const {
  for (size_t p = 0; p < ports_.size(); ++p)
    if (ports_[p] == port) return taps_[p];
  return nullptr;
}

void KernelPathSwitch::Outbox::flush() {
  if (count_ == 0) return;
  send_or_free(*tap_, frames_.data(), count_, queue_, counters_.to_kernel, counters_.dropped);
  count_ = 0;
}

bool KernelPathSwitch::forward_from_kernels(uint16_t tx_queue,
                                            KernelPathLaneCounters& counters) const {
  std::array<rte_mbuf*, kBurst> burst;
  bool any = false;
  for (size_t p = 0; p < ports_.size(); ++p) {
    if (!taps_[p]) continue;
    const uint16_t n = taps_[p]->rx_burst(burst.data(), kBurst, 0);
    if (n == 0) continue;
    any = true;
    send_or_free(*ports_[p], burst.data(), n, tx_queue, counters.from_kernel, counters.dropped);
  }
  return any;
}

KernelPathCounts KernelPathSwitch::sum(const std::vector<const KernelPathLaneCounters*>& lanes) {
  KernelPathCounts sum;
  for (const KernelPathLaneCounters* l : lanes) {
    sum.to_kernel += l->to_kernel.get();
    sum.from_kernel += l->from_kernel.get();
    sum.dropped += l->dropped.get();
  }
  return sum;
}

}  // namespace vxsn
