// The software datapath's poll loop: DPDK bursts in, the reference model's copies out.
// One thread polls every port; the flood table is read under RCU once per burst.
#pragma once

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "driver/dpdk/port.hpp"
#include "driver/steering/software_classifier.hpp"
#include "host/daemon/poll_loop.hpp"
#include "host/datapath/counters.hpp"
#include "host/datapath/flood_table.hpp"
#include "host/datapath/frame_parser.hpp"
#include "host/datapath/replicator.hpp"
#include "host/table/learn_filter.hpp"

namespace vxsn {

class SoftwareDatapath {
 public:
  // With `learn_queue`, (VNI, source VTEP) pairs that are not members of their VNI, and the
  // traffic of learned members, are reported there (filtered by `learn_params`).
  // `steering` (outlives this) selects what the datapath takes from each port.
  SoftwareDatapath(std::vector<DpdkPort*> ports, const FloodTablePublisher& tables,
                   ParseConfig parse_config, const SteeringPolicy& steering,
                   LearnQueue* learn_queue = nullptr, LearnFilterParams learn_params = {});
  ~SoftwareDatapath();

  void start();
  // Stops polling after the current burst; copies already built are sent (drain).
  void stop();
  // Turns of the poll loop so far: the health check's proof that it still runs.
  uint64_t poll_turns() const { return poll_.turns(); }

  const DatapathCounters& counters() const { return counters_; }
  // Frames the steering policy left to the host kernel (ARP, SSH, registrations...): not
  // drops. Frames it drops are counted per rule (steering_hits).
  uint64_t host_frames() const { return host_frames_.get(); }
  // The software enforcer's hits per rule of the steering policy (every port).
  std::vector<uint64_t> steering_hits() const { return steering_.hits(); }
  const LearnFilterCounters& learn_counters() const { return learn_filter_.counters(); }

 private:
  void run();

  std::vector<DpdkPort*> ports_;
  const FloodTablePublisher& tables_;
  ParseConfig parse_config_;
  SoftwareClassifier steering_;
  DatapathCounters counters_;
  SingleWriterCounter host_frames_;
  LearnQueue* learn_queue_;
  LearnFilter learn_filter_;
  FloodGuard guard_;  // the source VTEPs' storm policers (this thread's)
  PollThread poll_;
};

}  // namespace vxsn
