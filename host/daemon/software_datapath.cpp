#include "host/daemon/software_datapath.hpp"

#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <spdlog/spdlog.h>

#include <array>
#include <chrono>

#include "host/daemon/poll_loop.hpp"
#include "host/datapath/replicator.hpp"

namespace vxsn {
namespace {

// Builds each copy in a fresh mbuf of its egress port's pool, then queues it for TX.
class MbufSink {
 public:
  MbufSink(const std::vector<DpdkPort*>& ports, DatapathCounters& counters)
      : ports_(ports), tx_(ports, counters) {}

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
    tx_.add(port, current_);
    current_ = nullptr;
  }

  void flush_all() { tx_.flush_all(); }

 private:
  const std::vector<DpdkPort*>& ports_;
  TxBatcher tx_;
  rte_mbuf* current_ = nullptr;
};

uint64_t steady_ns() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}

}  // namespace

SoftwareDatapath::SoftwareDatapath(std::vector<DpdkPort*> ports, const FloodTablePublisher& tables,
                                   ParseConfig parse_config, const SteeringPolicy& steering,
                                   LearnQueue* learn_queue, LearnFilterParams learn_params)
    : ports_(std::move(ports)),
      tables_(tables),
      parse_config_(parse_config),
      steering_(steering),
      learn_queue_(learn_queue),
      learn_filter_(learn_params) {}

SoftwareDatapath::~SoftwareDatapath() {
  stop();
}

void SoftwareDatapath::start() {
  poll_.start("datapath", [this] { run(); });
}

void SoftwareDatapath::stop() {
  poll_.stop();
}

void SoftwareDatapath::run() {
  RcuReaderThread rcu_registration;
  MbufSink sink(ports_, counters_);
  std::array<rte_mbuf*, kPollBurst> burst;
  IdlePacer pacer;

  while (poll_.next_turn()) {
    bool any = false;
    for (DpdkPort* port : ports_) {
      uint16_t n = port->rx_burst(burst.data(), kPollBurst);
      if (n == 0) continue;
      any = true;
      {
        FloodTablePublisher::ReadSection read;
        const FloodTable& table = *tables_.current_for_reader();
        // One clock read per burst: precise enough for the learn filter's 1 s period and
        // for policers whose buckets hold 100 ms (a burst takes microseconds).
        const uint64_t now_ns = steady_ns();
        guard_.now_ns = now_ns;
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
          // Registration and host traffic is the kernel's; "drop" is counted per rule only.
          if (const SteerAction a = steering_.classify(frame); a != SteerAction::kDatapath) {
            if (a != SteerAction::kDrop) host_frames_.add(1);
            continue;
          }
          ParsedFrame parsed;
          process_frame(frame, parse_config_, table, counters_, sink, &parsed, &guard_);
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
    pacer.after_poll(any);
  }
  sink.flush_all();
}

}  // namespace vxsn
