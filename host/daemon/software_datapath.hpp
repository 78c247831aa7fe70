// The software datapath's poll loops: DPDK bursts in, the reference model's copies out.
// One lane per datapath lcore: it polls its share of the ports' RX queues
// (rx_queues_of_lane), sends on its own TX queue of every port, and keeps its own counters,
// steering hits, learn filter and learn queue, merged (or drained) by the control loop. The
// flood table is read under RCU once per burst (liburcu's memb flavour: any number of
// registered reader threads, each lane registers itself).
#pragma once

#include <memory>
#include <vector>

#include "driver/dpdk/port.hpp"
#include "driver/steering/software_classifier.hpp"
#include "host/daemon/kernel_path_switch.hpp"
#include "host/daemon/lcore_group.hpp"
#include "host/daemon/poll_loop.hpp"
#include "host/datapath/counters.hpp"
#include "host/datapath/flood_table.hpp"
#include "host/datapath/frame_parser.hpp"
#include "host/datapath/replicator.hpp"
#include "host/metrics/node_snapshot.hpp"
#include "host/table/learn_filter.hpp"

struct rte_mempool;

namespace vxsn {

class SoftwareDatapath {
 public:
  // `lanes` datapath lcores (EAL workers; every port needs that many TX queues). Learn
  // reports of each lane go to its own queue (learn_queues(); none when `learn` is false),
  // filtered by `learn_params` whose rate is split evenly between the lanes. `steering`
  // selects what the datapath takes from each port (copied: set_steering replaces it).
  SoftwareDatapath(std::vector<DpdkPort*> ports, const FloodTablePublisher& tables,
                   ParseConfig parse_config, const SteeringPolicy& steering, unsigned lanes = 1,
                   bool learn = false, LearnFilterParams learn_params = {});
  ~SoftwareDatapath();

  // Before start(): port `port`'s host frames go to `tap` instead of being let go (the
  // kernel does not see that port), and lane 0 sends what the kernel writes to `tap` out of
  // the port. `tap` (one RX queue, a TX queue per lane) outlives this.
  void attach_kernel_path(size_t port, DpdkPort* tap);
  // Before start(): port `port`'s enforcer (its XDP program) already delivers only the
  // frames the steering list sends to the datapath, so the lanes skip the classifier on it
  // (no second header parse per frame; its hits are the enforcer's, not software_rule_hits).
  void skip_classifier(size_t port);

  void start();
  // Stops polling after the current burst; copies already built are sent (drain). Returns
  // once every lane's lcore has finished.
  void stop();
  // The fewest turns of any lane: the health check's proof that every lane still runs.
  uint64_t poll_turns() const { return lcores_.min_turns(); }
  unsigned lanes() const { return lcores_.lanes(); }

  // Every lane's counters, summed.
  DatapathCountersSnapshot counters() const;
  // Frames the steering policy left to the host kernel (ARP, SSH, registrations...): not
  // drops. Frames it drops are counted per rule (steering_hits).
  uint64_t host_frames() const;
  // Frames through the kernel paths: into them, out of them onto their ports, and lost
  // (the TAP or the port's TX queue full).
  KernelPathCounts kernel_path_counts() const;
  bool has_kernel_path() const;
  // The software enforcer's hits per rule of the current steering list (every port and
  // lane; they start at zero with each new list).
  std::vector<uint64_t> steering_hits() const;
  // While the lanes run (control thread): every lane classifies with `policy` from its next
  // burst, and the parser accepts its service addresses; returns once no lane can still
  // be using the old list (an RCU grace period).
  void set_steering(const SteeringPolicy& policy);
  DatapathLearnCounts learn_counts() const;
  std::vector<LcoreCounts> lcore_counts() const;
  // Each lane's learn queue (single producer: that lane; single consumer: the control loop).
  std::vector<LearnQueue*> learn_queues();

 private:
  struct Lane;
  void run(Lane& lane);

  std::vector<DpdkPort*> ports_;
  KernelPathSwitch kernel_paths_;
  std::vector<bool> steered_upstream_;  // per port: skip_classifier()
  const FloodTablePublisher& tables_;
  rte_mempool* header_pool_;
  SteeringRules steering_;  // by-reference copies' small mbufs (null: copy everything)
  std::vector<std::unique_ptr<Lane>> lanes_;
  LcoreGroup lcores_;
};

}  // namespace vxsn
