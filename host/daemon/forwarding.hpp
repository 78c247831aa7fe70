// The daemon's datapath component: whatever forwards frames (the software datapath on
// DPDK, or a card's kernels behind the Card interface), seen by the rest of the daemon
// through one interface so nothing else asks which mode it runs in.
//
// Control thread only, except where a datapath's own threads are mentioned.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "driver/net_types.hpp"
#include "driver/steering/steering_policy.hpp"
#include "host/api/management_backend.hpp"
#include "host/datapath/flood_table.hpp"
#include "host/metrics/node_snapshot.hpp"

namespace vxsn {

// One reading of everything a datapath counts (a card's counter block is read once, so
// every figure is of one instant). Ports are the daemon's and added by it.
struct ForwardingReading {
  DatapathCountersSnapshot datapath;
  uint64_t host_frames = 0;  // left to the host kernel by steering: not drops
  std::vector<std::pair<uint32_t, VniCountersSnapshot>> vnis;  // ascending VNI
  std::optional<DatapathLearnCounts> learn;                    // software datapath
  std::optional<CardOnlyCounts> card;                          // card datapaths
  std::vector<LcoreCounts> lcores;                             // DPDK datapaths, per lcore
  std::optional<KernelPathCounts> kernel_paths;                // only with a kernel path
};

class Forwarding {
 public:
  using LearnSink = std::function<void(uint32_t vni, const IpAddr& vtep)>;

  virtual ~Forwarding() = default;

  // Starts the datapath's threads; frames flow from now on.
  virtual void start() = 0;
  // Stops after the current burst; copies already made are sent (drain).
  virtual void stop() = 0;

  // Makes `table` (generation `generation`) the one frames are replicated by. False: it
  // was refused (logged) and the running table stays.
  virtual bool publish(std::unique_ptr<FloodTable> table, uint64_t generation) = 0;

  // Hands every (VNI, source VTEP) the datapath saw flooding without being a member (or
  // a learned member's traffic) to `learn`.
  virtual void drain_learn_events(const LearnSink& learn) = 0;

  // Turns of the poll loop so far: the health check's proof that it still runs.
  virtual uint64_t poll_turns() const = 0;

  virtual ForwardingReading read_counters() = 0;
  // The software steering classifier's hits per rule of the policy (every port).
  virtual std::vector<uint64_t> steering_hits() const = 0;
  // A reload changed the service addresses: the datapath's own classifier and address
  // checks take `policy` while frames flow, the addresses kept forwarding throughout.
  // Empty, or why this datapath cannot (the old policy then stays; a restart applies it).
  virtual std::string change_steering(const SteeringPolicy& policy) = 0;
  // The card's status (card datapaths only).
  virtual std::optional<CardInfo> card_info() = 0;
};

}  // namespace vxsn
