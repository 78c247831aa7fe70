#include "host/daemon/software_datapath.hpp"

#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <chrono>

#include "host/daemon/mbuf_sink.hpp"

namespace vxsn {
namespace {

uint64_t steady_ns() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}

// Each lane may report its share of the configured learn rate.
LearnFilterParams lane_share(LearnFilterParams p, unsigned lanes) {
  p.events_per_s = std::max<uint32_t>(1, p.events_per_s / lanes);
  p.burst = std::max<uint32_t>(1, p.burst / lanes);
  return p;
}

}  // namespace

// Everything one lane writes, on its own cache lines.
struct alignas(64) SoftwareDatapath::Lane {
  Lane(unsigned index, const SteeringRules& steering, const ParseConfig& parse, bool learn,
       const LearnFilterParams& p, const FloodGuard& shared_policers)
      : index(index),
        steering(steering, index),
        parse(parse),
        learn_queue(learn ? std::make_unique<LearnQueue>() : nullptr),
        learn_filter(p),
        guard(shared_policers) {}

  unsigned index;
  DatapathCounters counters;
  SingleWriterCounter host_frames;
  KernelPathLaneCounters kernel_path;
  SoftwareClassifier steering;
  // The parser's service addresses follow the steering list (a reload may change both).
  ParseConfig parse;
  uint64_t parse_version = 1;               // the steering list `parse` was made for
  std::unique_ptr<LearnQueue> learn_queue;  // this lane -> control loop
  LearnFilter learn_filter;
  FloodGuard guard;  // the shared VTEP policers, this lane's clock
};

SoftwareDatapath::SoftwareDatapath(std::vector<DpdkPort*> ports, const FloodTablePublisher& tables,
                                   ParseConfig parse_config, const SteeringPolicy& steering,
                                   unsigned lanes, bool learn, LearnFilterParams learn_params)
    : ports_(std::move(ports)),
      kernel_paths_(ports_),
      steered_upstream_(ports_.size(), false),
      tables_(tables),
      header_pool_(header_pool()),
      steering_(steering, lanes),
      lcores_(lanes) {
  const FloodGuard policers;  // one set of VTEP buckets for every lane
  for (unsigned i = 0; i < lanes; ++i)
    lanes_.push_back(std::make_unique<Lane>(i, steering_, parse_config, learn,
                                            lane_share(learn_params, lanes), policers));
  for (const DpdkPort* p : ports_) {
    if (header_pool_ != nullptr && sends_chains(*p)) {
      spdlog::info("port {}: copies with payloads of {}+ bytes sent by reference", p->name(),
                   kDefaultReferenceMinPayload);
    } else {
      spdlog::info("port {}: every copy built whole ({})", p->name(),
                   header_pool_ ? "the PMD sends no mbuf chains" : "no header mbuf pool");
    }
  }
}

SoftwareDatapath::~SoftwareDatapath() {
  stop();
}

void SoftwareDatapath::attach_kernel_path(size_t port, DpdkPort* tap) {
  kernel_paths_.attach(port, tap);
}

void SoftwareDatapath::skip_classifier(size_t port) {
  steered_upstream_.at(port) = true;
}

bool SoftwareDatapath::has_kernel_path() const {
  return kernel_paths_.any();
}

KernelPathCounts SoftwareDatapath::kernel_path_counts() const {
  std::vector<const KernelPathLaneCounters*> lanes;
  for (const auto& l : lanes_) lanes.push_back(&l->kernel_path);
  return KernelPathSwitch::sum(lanes);
}

void SoftwareDatapath::start() {
  lcores_.start([this](unsigned lane) { run(*lanes_[lane]); });
}

void SoftwareDatapath::stop() {
  lcores_.stop();
}

DatapathCountersSnapshot SoftwareDatapath::counters() const {
  DatapathCountersSnapshot sum;
  for (const auto& l : lanes_) sum += l->counters.snapshot();
  return sum;
}

uint64_t SoftwareDatapath::host_frames() const {
  uint64_t n = 0;
  for (const auto& l : lanes_) n += l->host_frames.get();
  return n;
}

std::vector<uint64_t> SoftwareDatapath::steering_hits() const {
  return steering_.hits();
}

void SoftwareDatapath::set_steering(const SteeringPolicy& policy) {
  steering_.publish(policy);
}

DatapathLearnCounts SoftwareDatapath::learn_counts() const {
  DatapathLearnCounts sum;
  for (const auto& l : lanes_) {
    const LearnFilterCounters& c = l->learn_filter.counters();
    sum.checked += c.checked.get();
    sum.reported += c.reported.get();
    sum.rate_limited += c.rate_limited.get();
    sum.queue_full += c.queue_full.get();
  }
  return sum;
}

std::vector<LcoreCounts> SoftwareDatapath::lcore_counts() const {
  std::vector<LcoreCounts> out;
  for (const auto& l : lanes_) {
    out.push_back({lcores_.lcore_id(l->index), l->counters.rx_frames.get(),
                   l->counters.tx_copies.get(), l->host_frames.get(), lcores_.turns(l->index)});
  }
  return out;
}

std::vector<LearnQueue*> SoftwareDatapath::learn_queues() {
  std::vector<LearnQueue*> out;
  for (const auto& l : lanes_)
    if (l->learn_queue) out.push_back(l->learn_queue.get());
  return out;
}

void SoftwareDatapath::run(Lane& lane) {
  RcuReaderThread rcu_registration;
  const std::vector<RxQueueRef> queues = rx_queues_of_lane(ports_, lane.index, lanes());
  // Each polled queue's kernel path (inactive: the kernel owns its port), looked up once
  // here rather than per burst.
  std::vector<KernelPathSwitch::Outbox> to_kernel;
  std::vector<bool> classifies;  // per polled queue: its port has no enforcer in front
  for (const RxQueueRef& q : queues) {
    to_kernel.emplace_back(kernel_paths_.tap_of(q.port), static_cast<uint16_t>(lane.index),
                           lane.kernel_path);
    const size_t port =
        static_cast<size_t>(std::find(ports_.begin(), ports_.end(), q.port) - ports_.begin());
    classifies.push_back(!steered_upstream_[port]);
  }
  MbufSink sink(ports_, lane.counters, static_cast<uint16_t>(lane.index), header_pool_,
                kDefaultReferenceMinPayload);
  std::array<rte_mbuf*, kPollBurst> burst;
  // The burst's frames for the datapath (steering and chained frames sorted out first).
  std::array<rte_mbuf*, kPollBurst> datapath_mbufs;
  std::array<std::span<const uint8_t>, kPollBurst> datapath_frames;
  size_t datapath_count = 0;
  BurstLookahead<kPollBurst> lookahead(lane.index);  // its shard of the per-VNI counters
  IdlePacer pacer;
  DatapathCounters& counters = lane.counters;

  while (lcores_.next_turn(lane.index)) {
    bool any = false;
    for (size_t q = 0; q < queues.size(); ++q) {
      const RxQueueRef& rxq = queues[q];
      uint16_t n = rxq.port->rx_burst(burst.data(), kPollBurst, rxq.queue);
      if (n == 0) continue;
      any = true;
      KernelPathSwitch::Outbox& kernel_path = to_kernel[q];
      const bool classify = classifies[q];
      {
        FloodTablePublisher::ReadSection read;
        SteeringRules::ReadSection read_steering;
        const FloodTable& table = *tables_.current_for_reader();
        const SteeringRuleSet& rules = lane.steering.begin_burst();
        if (rules.version != lane.parse_version) {
          // A parser that checks destinations checks the new list's (one that takes any
          // destination keeps doing so).
          if (lane.parse.service_addr_count != 0)
            set_service_addresses(lane.parse, rules.policy.inputs.service_addresses);
          lane.parse_version = rules.version;
        }
        // One clock read per burst: precise enough for the learn filter's 1 s period and
        // for policers whose buckets hold 100 ms (a burst takes microseconds).
        const uint64_t now_ns = steady_ns();
        lane.guard.now_ns = now_ns;
        for (uint16_t i = 0; i < n; ++i) {
          rte_mbuf* m = burst[i];
          if (m->nb_segs != 1) {
            counters.rx_frames.add(1);
            counters.rx_bytes.add(rte_pktmbuf_pkt_len(m));
            counters.count_drop(DropReason::kChained);
            continue;
          }
          std::span<const uint8_t> frame(rte_pktmbuf_mtod(m, const uint8_t*),
                                         rte_pktmbuf_data_len(m));
          // Registration and host traffic is the kernel's; "drop" is counted per rule only.
          // A port the kernel does not own hands it to its kernel path (kept, not freed).
          if (const SteerAction a =
                  classify ? lane.steering.classify(frame) : SteerAction::kDatapath;
              a != SteerAction::kDatapath) {
            if (a == SteerAction::kDrop) continue;
            lane.host_frames.add(1);
            if (kernel_path.active()) {
              kernel_path.add(m);
              burst[i] = nullptr;
            }
            continue;
          }
          datapath_mbufs[datapath_count] = m;
          datapath_frames[datapath_count++] = frame;
        }
        // The datapath's frames: parsed and looked up as a burst, then replicated in order.
        lookahead.prepare(datapath_frames.data(), datapath_count, lane.parse, table);
        for (size_t i = 0; i < datapath_count; ++i) {
          sink.set_ingress(datapath_mbufs[i]);
          lookahead.process(i, table, counters, sink, &lane.guard);
          const ParsedFrame& parsed = lookahead.parsed(i);
          if (lane.learn_queue && parsed.drop == DropReason::kNone) {
            LearnReport report;
            if (lane.learn_filter.check(table, parsed.vni, parsed.src_vtep, now_ns, report) &&
                !lane.learn_queue->try_push(report))
              lane.learn_filter.counters().queue_full.add(1);
          }
        }
        datapath_count = 0;
        sink.flush_all();
      }
      rte_pktmbuf_free_bulk(burst.data(), n);  // skips what went to the kernel path
      if (kernel_path.active()) kernel_path.flush();
    }
    // What the kernels wrote to their TAPs goes out of the ports (lane 0 polls the TAPs'
    // one RX queue each).
    if (lane.index == 0 && kernel_paths_.forward_from_kernels(0, lane.kernel_path)) any = true;
    pacer.after_poll(any);
  }
  sink.flush_all();
}

}  // namespace vxsn
