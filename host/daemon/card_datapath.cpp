#include "host/daemon/card_datapath.hpp"

#include "host/daemon/poll_loop.hpp"
#include "host/datapath/flood_table.hpp"

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
  MbufCopySink(const std::vector<DpdkPort*>& ports, DatapathCounters& counters, uint16_t tx_queue)
      : ports_(ports), counters_(counters), tx_(ports, counters, tx_queue) {}

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

struct alignas(64) CardDatapath::Lane {
  Lane(unsigned index, const SteeringRules& steering) : index(index), steering(steering, index) {}
  unsigned index;
  DatapathCounters counters;
  SingleWriterCounter host_frames;
  SingleWriterCounter card_frames;
  KernelPathLaneCounters kernel_path;
  SoftwareClassifier steering;
};

CardDatapath::CardDatapath(std::vector<DpdkPort*> ports, EmuCard& card,
                           const SteeringPolicy& steering, unsigned lanes)
    : ports_(std::move(ports)),
      kernel_paths_(ports_),
      card_(card),
      steering_(steering, lanes),
      lcores_(lanes) {
  for (unsigned i = 0; i < lanes; ++i) lanes_.push_back(std::make_unique<Lane>(i, steering_));
}

CardDatapath::~CardDatapath() {
  stop();
}

void CardDatapath::start() {
  lcores_.start([this](unsigned lane) { run(*lanes_[lane]); });
}

void CardDatapath::stop() {
  lcores_.stop();
}

DatapathCountersSnapshot CardDatapath::host_counters() const {
  DatapathCountersSnapshot sum;
  for (const auto& l : lanes_) sum += l->counters.snapshot();
  return sum;
}

KernelPathCounts CardDatapath::kernel_path_counts() const {
  std::vector<const KernelPathLaneCounters*> lanes;
  for (const auto& l : lanes_) lanes.push_back(&l->kernel_path);
  return KernelPathSwitch::sum(lanes);
}

uint64_t CardDatapath::host_frames() const {
  uint64_t n = 0;
  for (const auto& l : lanes_) n += l->host_frames.get();
  return n;
}

std::vector<uint64_t> CardDatapath::steering_hits() const {
  return steering_.hits();
}

void CardDatapath::set_steering(const SteeringPolicy& policy) {
  steering_.publish(policy);
}

std::vector<LcoreCounts> CardDatapath::lcore_counts() const {
  std::vector<LcoreCounts> out;
  for (const auto& l : lanes_)
    out.push_back({lcores_.lcore_id(l->index), l->card_frames.get(), 0, l->host_frames.get(),
                   lcores_.turns(l->index)});
  return out;
}

bool CardDatapath::inject_from_kernels(EmuCopySink& sink, Lane& lane) {
  std::lock_guard lock(card_mutex_);
  const bool moved = kernel_paths_.inject_from_kernels(
      [this](uint16_t port, std::span<const uint8_t> frame) {
        try {
          return card_.inject_frame(port, frame);
        } catch (const CardError&) {
          return false;  // longer than the card sends (a TAP with a jumbo MTU)
        }
      },
      lane.kernel_path);
  if (moved) card_.send_injected(sink);
  return moved;
}

void CardDatapath::run(Lane& lane) {
  RcuReaderThread rcu_registration;  // the steering list is read under RCU
  const std::vector<RxQueueRef> queues = rx_queues_of_lane(ports_, lane.index, lcores_.lanes());
  MbufCopySink sink(ports_, lane.counters, static_cast<uint16_t>(lane.index));
  // Each polled queue's kernel path (inactive: the kernel owns its port).
  std::vector<KernelPathSwitch::Outbox> to_kernel;
  for (const RxQueueRef& q : queues)
    to_kernel.emplace_back(kernel_paths_.tap_of(q.port), static_cast<uint16_t>(lane.index),
                           lane.kernel_path);
  std::array<rte_mbuf*, kPollBurst> burst;
  std::array<std::span<const uint8_t>, kPollBurst> frames;
  // A card receives whole frames; a chained mbuf is gathered here (one per burst slot).
  std::vector<std::vector<uint8_t>> linear(kPollBurst);
  IdlePacer pacer;
  std::vector<PuntedFrame> punted;

  while (lcores_.next_turn(lane.index)) {
    bool any = false;
    for (size_t q = 0; q < queues.size(); ++q) {
      const RxQueueRef& rxq = queues[q];
      KernelPathSwitch::Outbox& kernel_path = to_kernel[q];
      const uint16_t n = rxq.port->rx_burst(burst.data(), kPollBurst, rxq.queue);
      if (n == 0) continue;
      any = true;
      size_t count = 0;
      SteeringRules::ReadSection read_steering;
      lane.steering.begin_burst();
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
        // A port the kernel does not own hands it to its kernel path (kept, not freed).
        // The card that steers itself gets every frame.
        if (const SteerAction a =
                card_steering_ ? SteerAction::kDatapath : lane.steering.classify(frame);
            a != SteerAction::kDatapath) {
          if (a == SteerAction::kDrop) continue;
          lane.host_frames.add(1);
          if (kernel_path.active()) {
            kernel_path.add(m);
            burst[i] = nullptr;
          }
          continue;
        }
        frames[count++] = frame;
      }
      lane.card_frames.add(count);
      {
        std::lock_guard lock(card_mutex_);
        card_.process_burst(std::span(frames.data(), count), sink);
        // Under the card lock: what the card punted now is this burst's, from this port.
        if (card_steering_) {
          punted.clear();
          card_.drain_punted_frames(punted);
        }
      }
      sink.flush_all();
      rte_pktmbuf_free_bulk(burst.data(), n);  // skips what went to the kernel path
      for (const PuntedFrame& f : punted) {
        lane.host_frames.add(1);
        if (kernel_path.active()) kernel_path.add_copy(f.bytes, rxq.port->pool());
      }
      punted.clear();
      if (kernel_path.active()) kernel_path.flush();
    }
    // What the kernels wrote to their TAPs goes out of the ports (lane 0 polls the TAPs):
    // through the card's inject ring when the card steers itself, as on a board.
    if (lane.index == 0) {
      const bool moved = card_steering_ ? inject_from_kernels(sink, lane)
                                        : kernel_paths_.forward_from_kernels(0, lane.kernel_path);
      if (moved) any = true;
      sink.flush_all();
    }
    pacer.after_poll(any);
  }
  sink.flush_all();
}

}  // namespace vxsn
