#include "host/daemon/kernel_path_switch.hpp"

#include <algorithm>
#include <cstring>

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

// Each TAP's next burst of what its kernel wrote, handed to `take(port index, frames, n)`,
// which owns the mbufs. True if any TAP had frames.
template <typename Take>
bool each_kernel_burst(const std::vector<DpdkPort*>& taps, Take take) {
  std::array<rte_mbuf*, KernelPathSwitch::kBurst> burst;
  bool any = false;
  for (size_t p = 0; p < taps.size(); ++p) {
    if (!taps[p]) continue;
    const uint16_t n = taps[p]->rx_burst(burst.data(), KernelPathSwitch::kBurst, 0);
    if (n == 0) continue;
    any = true;
    take(p, burst.data(), n);
  }
  return any;
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

void KernelPathSwitch::Outbox::add_copy(std::span<const uint8_t> frame, rte_mempool* pool) {
  rte_mbuf* m = rte_pktmbuf_alloc(pool);
  char* data = m ? rte_pktmbuf_append(m, static_cast<uint16_t>(frame.size())) : nullptr;
  if (!data) {
    if (m) rte_pktmbuf_free(m);
    counters_.dropped.add(1);
    return;
  }
  std::memcpy(data, frame.data(), frame.size());
  add(m);
}

void KernelPathSwitch::Outbox::flush() {
  if (count_ == 0) return;
  send_or_free(*tap_, frames_.data(), count_, queue_, counters_.to_kernel, counters_.dropped);
  count_ = 0;
}

bool KernelPathSwitch::forward_from_kernels(uint16_t tx_queue,
                                            KernelPathLaneCounters& counters) const {
  return each_kernel_burst(taps_, [&](size_t p, rte_mbuf** frames, uint16_t n) {
    send_or_free(*ports_[p], frames, n, tx_queue, counters.from_kernel, counters.dropped);
  });
}

bool KernelPathSwitch::inject_from_kernels(const Injector& inject,
                                           KernelPathLaneCounters& counters) const {
  std::vector<uint8_t> linear;  // a chained mbuf, gathered
  return each_kernel_burst(taps_, [&](size_t p, rte_mbuf** frames, uint16_t n) {
    for (uint16_t i = 0; i < n; ++i) {
      linear.resize(rte_pktmbuf_pkt_len(frames[i]));
      const void* data =
          rte_pktmbuf_read(frames[i], 0, static_cast<uint32_t>(linear.size()), linear.data());
      const bool taken = data && inject(static_cast<uint16_t>(p),
                                        {static_cast<const uint8_t*>(data), linear.size()});
      (taken ? counters.from_kernel : counters.dropped).add(1);
    }
    rte_pktmbuf_free_bulk(frames, n);
  });
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
