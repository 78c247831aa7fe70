#include "host/daemon/poll_loop.hpp"

#include <rte_cycles.h>
#include <rte_mbuf.h>

#include <thread>

namespace vxsn {
namespace {

// A full TX ring gets a few retries before its copies are counted as dropped.
constexpr unsigned kTxRetries = 8;

}  // namespace

std::vector<RxQueueRef> rx_queues_of_lane(const std::vector<DpdkPort*>& ports, unsigned lane,
                                          unsigned lanes) {
  std::vector<RxQueueRef> mine;
  for (DpdkPort* p : ports)
    for (uint16_t q = 0; q < p->rx_queues(); ++q)
      if (q % lanes == lane) mine.push_back({p, q});
  return mine;
}

TxBatcher::TxBatcher(const std::vector<DpdkPort*>& ports, DatapathCounters& counters,
                     uint16_t tx_queue)
    : ports_(ports), counters_(counters), tx_queue_(tx_queue), pending_(ports.size()) {}

void TxBatcher::add(uint16_t port, rte_mbuf* m) {
  Pending& p = pending_[port];
  p.mbufs[p.count++] = m;
  if (p.count == kPollBurst) flush(port);
}

void TxBatcher::flush_all() {
  for (uint16_t port = 0; port < pending_.size(); ++port) flush(port);
}

void TxBatcher::flush(uint16_t port) {
  Pending& p = pending_[port];
  uint16_t sent = 0;
  for (unsigned attempt = 0; sent < p.count && attempt < kTxRetries; ++attempt)
    sent += ports_[port]->tx_burst(p.mbufs.data() + sent, p.count - sent, tx_queue_);
  if (sent < p.count) {
    counters_.count_drop(DropReason::kTxFull, p.count - sent);
    rte_pktmbuf_free_bulk(p.mbufs.data() + sent, p.count - sent);
  }
  p.count = 0;
}

IdlePacer::IdlePacer()
    : idle_before_nap_cycles_(
          static_cast<uint64_t>(static_cast<double>(rte_get_tsc_hz()) *
                                std::chrono::duration<double>(kIdleBeforeNap).count())) {}

void IdlePacer::after_poll(bool got_frames) {
  if (got_frames) {
    idle_since_ = 0;
    return;
  }
  const uint64_t now = rte_rdtsc();
  if (idle_since_ == 0) {
    idle_since_ = now;
  } else if (now - idle_since_ >= idle_before_nap_cycles_) {
    std::this_thread::sleep_for(kNap);
  }
}

}  // namespace vxsn
