#include "host/daemon/card_datapath.hpp"

#include "host/daemon/poll_loop.hpp"

#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <spdlog/spdlog.h>

#include <array>
#include <chrono>
#include <cstring>

namespace vxsn {
namespace {

// Copies from the card become mbufs, sent in bursts per egress port.
class MbufCopySink final : public EmuCopySink {
 public:
  MbufCopySink(const std::vector<DpdkPort*>& ports, DatapathCounters& counters)
      : ports_(ports), counters_(counters), tx_(ports, counters) {}

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
    tx_.add(port, m);
  }

  void flush_all() { tx_.flush_all(); }

 private:
  const std::vector<DpdkPort*>& ports_;
  DatapathCounters& counters_;
  TxBatcher tx_;
};

}  // namespace

CardDatapath::CardDatapath(std::vector<DpdkPort*> ports, EmuCard& card,
                           const SteeringPolicy& steering)
    : ports_(std::move(ports)), card_(card), steering_(steering) {}

CardDatapath::~CardDatapath() {
  stop();
}

void CardDatapath::start() {
  poll_.start("card datapath", [this] { run(); });
}

void CardDatapath::stop() {
  poll_.stop();
}

void CardDatapath::run() {
  MbufCopySink sink(ports_, counters_);
  std::array<rte_mbuf*, kPollBurst> burst;
  std::array<std::span<const uint8_t>, kPollBurst> frames;
  // A card receives whole frames; a chained mbuf is gathered here (one per burst slot).
  std::vector<std::vector<uint8_t>> linear(kPollBurst);
  IdlePacer pacer;

  while (poll_.next_turn()) {
    bool any = false;
    for (DpdkPort* port : ports_) {
      const uint16_t n = port->rx_burst(burst.data(), kPollBurst);
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
        // Registration and host traffic is the kernel's; "drop" is counted per rule only.
        if (const SteerAction a = steering_.classify(frame); a != SteerAction::kDatapath) {
          if (a != SteerAction::kDrop) host_frames_.add(1);
          continue;
        }
        frames[count++] = frame;
      }
      card_.process_burst(std::span(frames.data(), count), sink);
      sink.flush_all();
      rte_pktmbuf_free_bulk(burst.data(), n);
    }
    pacer.after_poll(any);
  }
  sink.flush_all();
}

}  // namespace vxsn
