#include "host/daemon/software_datapath.hpp"

#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <spdlog/spdlog.h>

#include <array>
#include <chrono>

#include "host/datapath/replicator.hpp"

namespace vxsn {
namespace {

constexpr uint16_t kBurst = 32;
// After this many empty polls in a row the loop naps briefly, so an idle node does not
// burn a core it shares with the VTEPs on small machines; traffic wakes it within ~20 us.
constexpr unsigned kEmptyPollsBeforeNap = 1024;
constexpr auto kNap = std::chrono::microseconds(20);
// A full TX ring gets a few retries before its copies are counted as dropped.
constexpr unsigned kTxRetries = 8;

// Collects copies as mbufs per egress port and sends them in bursts.
class MbufSink {
 public:
  MbufSink(const std::vector<DpdkPort*>& ports, DatapathCounters& counters)
      : ports_(ports), counters_(counters), pending_(ports.size()) {}

  uint8_t* acquire(uint16_t port, uint32_t len) {
    rte_mbuf* m = rte_pktmbuf_alloc(ports_[port]->pool());
    if (!m) return nullptr;
    char* data = rte_pktmbuf_append(m, static_cast<uint16_t>(len));
    if (!data) {
      rte_pktmbuf_free(m);
      return nullptr;
    }
    current_ = m;
    return reinterpret_cast<uint8_t*>(data);
  }

  void commit(uint16_t port, uint32_t /*len*/) {
    Pending& p = pending_[port];
    p.mbufs[p.count++] = current_;
    current_ = nullptr;
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
  rte_mbuf* current_ = nullptr;
};

uint64_t steady_ns() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}

}  // namespace

SoftwareDatapath::SoftwareDatapath(std::vector<DpdkPort*> ports, const FloodTablePublisher& tables,
                                   ParseConfig parse_config, LearnQueue* learn_queue,
                                   LearnFilterParams learn_params)
    : ports_(std::move(ports)),
      tables_(tables),
      parse_config_(parse_config),
      steering_{parse_config.vxlan_port},
      learn_queue_(learn_queue),
      learn_filter_(learn_params) {}

SoftwareDatapath::~SoftwareDatapath() {
  stop();
}

void SoftwareDatapath::start() {
  running_ = true;
  thread_ = std::thread([this] { run(); });
}

void SoftwareDatapath::stop() {
  running_ = false;
  if (thread_.joinable()) thread_.join();
}

void SoftwareDatapath::run() {
  // A registered non-EAL thread gets an lcore id, so mempool caches work for it.
  if (rte_thread_register() != 0)
    spdlog::warn("datapath: rte_thread_register failed; running without mempool cache");
  RcuReaderThread rcu_registration;
  MbufSink sink(ports_, counters_);
  std::array<rte_mbuf*, kBurst> burst;
  unsigned empty_polls = 0;

  while (running_.load(std::memory_order_relaxed)) {
    bool any = false;
    for (DpdkPort* port : ports_) {
      uint16_t n = port->rx_burst(burst.data(), kBurst);
      if (n == 0) continue;
      any = true;
      {
        FloodTablePublisher::ReadSection read;
        const FloodTable& table = *tables_.current_for_reader();
        // One clock read per burst is precise enough for a filter with a 1 s period.
        const uint64_t now_ns = learn_queue_ ? steady_ns() : 0;
        for (uint16_t i = 0; i < n; ++i) {
          rte_mbuf* m = burst[i];
          if (m->nb_segs != 1) {
            counters_.rx_frames.add(1);
            counters_.rx_bytes.add(rte_pktmbuf_pkt_len(m));
            counters_.count_drop(DropReason::kChained);
            continue;
          }
          std::span<const uint8_t> frame(rte_pktmbuf_mtod(m, const uint8_t*),
                                         rte_pktmbuf_data_len(m));
          if (!steer_to_datapath(frame, steering_)) {
            host_frames_.add(1);
            continue;
          }
          ParsedFrame parsed;
          process_frame(frame, parse_config_, table, counters_, sink, &parsed);
          if (learn_queue_ && parsed.drop == DropReason::kNone) {
            LearnReport report;
            if (learn_filter_.check(table, parsed.vni, parsed.src_vtep, now_ns, report) &&
                !learn_queue_->try_push(report))
              learn_filter_.counters().queue_full.add(1);
          }
        }
        sink.flush_all();
      }
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
