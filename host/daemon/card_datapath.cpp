#include "host/daemon/card_datapath.hpp"

#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <spdlog/spdlog.h>

#include <array>
#include <chrono>
#include <cstring>

namespace vxsn {
namespace {

constexpr uint16_t kBurst = 32;
// Same idle behaviour as the software datapath: nap after a run of empty polls.
constexpr unsigned kEmptyPollsBeforeNap = 1024;
constexpr auto kNap = std::chrono::microseconds(20);
constexpr unsigned kTxRetries = 8;

// Copies from the card become mbufs, sent in bursts per egress port.
class MbufCopySink final : public EmuCopySink {
 public:
  MbufCopySink(const std::vector<DpdkPort*>& ports, DatapathCounters& counters)
      : ports_(ports), counters_(counters), pending_(ports.size()) {}

  void on_copy(uint16_t port, std::span<const uint8_t> copy) override {
    if (port >= ports_.size()) {  // the table only names our ports; never expected
      counters_.count_drop(DropReason::kNoBuffer);
      return;
    }
    rte_mbuf* m = rte_pktmbuf_alloc(ports_[port]->pool());
    char* data = m ? rte_pktmbuf_append(m, static_cast<uint16_t>(copy.size())) : nullptr;
    if (!data) {
      if (m) rte_pktmbuf_free(m);
      counters_.count_drop(DropReason::kNoBuffer);
      return;
    }
    std::memcpy(data, copy.data(), copy.size());
    Pending& p = pending_[port];
    p.mbufs[p.count++] = m;
    if (p.count == kBurst) flush(port);
  }

  void flush_all() {
    for (uint16_t port = 0; port < pending_.size(); ++port) flush(port);
  }

 private:
  struct Pending {
    std::array<rte_mbuf*, kBurst> mbufs;
    uint16_t count = 0;
  };

  void flush(uint16_t port) {
    Pending& p = pending_[port];
    uint16_t sent = 0;
    for (unsigned attempt = 0; sent < p.count && attempt < kTxRetries; ++attempt)
      sent += ports_[port]->tx_burst(p.mbufs.data() + sent, p.count - sent);
    if (sent < p.count) {
      counters_.count_drop(DropReason::kTxFull, p.count - sent);
      rte_pktmbuf_free_bulk(p.mbufs.data() + sent, p.count - sent);
    }
    p.count = 0;
  }

  const std::vector<DpdkPort*>& ports_;
  DatapathCounters& counters_;
  std::vector<Pending> pending_;
};

}  // namespace

CardDatapath::CardDatapath(std::vector<DpdkPort*> ports, EmuCard& card, uint16_t vxlan_port)
    : ports_(std::move(ports)), card_(card), steering_{vxlan_port} {}

CardDatapath::~CardDatapath() {
  stop();
}

void CardDatapath::start() {
  running_ = true;
  thread_ = std::thread([this] { run(); });
}

void CardDatapath::stop() {
  running_ = false;
  if (thread_.joinable()) thread_.join();
}

void CardDatapath::run() {
  if (rte_thread_register() != 0)
    spdlog::warn("card datapath: rte_thread_register failed; running without mempool cache");
  MbufCopySink sink(ports_, counters_);
  std::array<rte_mbuf*, kBurst> burst;
  std::array<std::span<const uint8_t>, kBurst> frames;
  // A card receives whole frames; a chained mbuf is gathered here (one per burst slot).
  std::vector<std::vector<uint8_t>> linear(kBurst);
  unsigned empty_polls = 0;

  while (running_.load(std::memory_order_relaxed)) {
    bool any = false;
    for (DpdkPort* port : ports_) {
      const uint16_t n = port->rx_burst(burst.data(), kBurst);
      if (n == 0) continue;
      any = true;
      size_t count = 0;
      for (uint16_t i = 0; i < n; ++i) {
        rte_mbuf* m = burst[i];
        std::span<const uint8_t> frame;
        if (m->nb_segs == 1) {
          frame = {rte_pktmbuf_mtod(m, const uint8_t*), rte_pktmbuf_data_len(m)};
        } else {
          std::vector<uint8_t>& buf = linear[i];
          buf.resize(rte_pktmbuf_pkt_len(m));
          const void* p = rte_pktmbuf_read(m, 0, static_cast<uint32_t>(buf.size()), buf.data());
          frame = {static_cast<const uint8_t*>(p), buf.size()};
        }
        if (!steer_to_datapath(frame, steering_)) {
          host_frames_.add(1);
          continue;
        }
        frames[count++] = frame;
      }
      card_.process_burst(std::span(frames.data(), count), sink);
      sink.flush_all();
      rte_pktmbuf_free_bulk(burst.data(), n);
    }
    if (any) {
      empty_polls = 0;
    } else if (++empty_polls >= kEmptyPollsBeforeNap) {
      std::this_thread::sleep_for(kNap);
    }
  }
  sink.flush_all();
  rte_thread_unregister();
}

}  // namespace vxsn
