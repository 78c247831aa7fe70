// The software datapath's poll loop: DPDK bursts in, the reference model's copies out.
// One thread polls every port; the flood table is read under RCU once per burst.
#pragma once

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "driver/dpdk/port.hpp"
#include "driver/steering/software_classifier.hpp"
#include "host/datapath/counters.hpp"
#include "host/datapath/flood_table.hpp"
#include "host/datapath/frame_parser.hpp"

namespace vxsn {

class SoftwareDatapath {
 public:
  SoftwareDatapath(std::vector<DpdkPort*> ports, const FloodTablePublisher& tables,
                   ParseConfig parse_config);
  ~SoftwareDatapath();

  void start();
  // Stops polling after the current burst; copies already built are sent (drain).
  void stop();

  const DatapathCounters& counters() const { return counters_; }
  // Frames the steering rule left to the host kernel (ARP, SSH...): not drops.
  uint64_t host_frames() const { return host_frames_.get(); }

 private:
  void run();

  std::vector<DpdkPort*> ports_;
  const FloodTablePublisher& tables_;
  ParseConfig parse_config_;
  SteeringRule steering_;
  DatapathCounters counters_;
  SingleWriterCounter host_frames_;
  std::atomic<bool> running_{false};
  std::thread thread_;
};

}  // namespace vxsn
