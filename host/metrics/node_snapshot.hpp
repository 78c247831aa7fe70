// Everything the node reports about itself at one instant, gathered in one place by the
// daemon's control loop. The stats file (JSON), the Prometheus endpoint and the management
// API's counters are all views of it, so they can never disagree about what is counted.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "host/api/api_connection_counters.hpp"
#include "host/api/management_backend.hpp"
#include "host/ha/ha_types.hpp"
#include "host/registration/registration_counters.hpp"
#include "host/table/table_manager.hpp"

namespace vxsn {

// The learn filter in front of the software datapath's learn queue.
struct DatapathLearnCounts {
  uint64_t checked = 0, reported = 0, rate_limited = 0, queue_full = 0;
};

// One datapath lcore's share (software and emulated-card datapaths), in lane order.
struct LcoreCounts {
  unsigned lcore = 0;
  uint64_t rx_frames = 0;    // frames the lane handed to replication (parser or card)
  uint64_t tx_copies = 0;    // copies it sent (software datapath)
  uint64_t host_frames = 0;  // frames steering left to the host kernel
  uint64_t turns = 0;        // poll loop turns
};

// The kernel paths of ports the kernel does not own (host/daemon/kernel_path.hpp).
struct KernelPathCounts {
  uint64_t to_kernel = 0;    // host frames handed to the kernel's TAP
  uint64_t from_kernel = 0;  // frames the kernel sent, out of the port
  uint64_t dropped = 0;      // either way, the TAP or the port's TX queue full
};

// What only a card counts (its status is NodeStatus::card).
struct CardOnlyCounts {
  uint64_t learn_events = 0, learn_suppressed = 0, learn_ring_full = 0;
  uint64_t rx_disabled = 0, rx_oversize = 0;
  uint64_t punted = 0, punt_ring_full = 0;  // the card's steering: frames for the host
};

struct HaSnapshot {
  std::string node_id;
  uint64_t entries = 0;  // keys the replicator holds
  HaStats stats;
  std::vector<PeerInfo> peers;
};

struct NodeSnapshot {
  NodeStatus status;      // identity, uptime, table summary and limits, card status
  CountersInfo counters;  // running totals: datapath, drops, VNIs, ports
  uint64_t table_entries = 0, table_vnis = 0;  // the table manager's (configured VNIs too)
  TableCounters control;
  std::optional<DatapathLearnCounts> datapath_learn;  // software datapath
  std::optional<CardOnlyCounts> card_counts;          // card datapaths
  std::vector<LcoreCounts> lcores;                    // DPDK datapaths, per lcore
  std::optional<KernelPathCounts> kernel_paths;       // only with a kernel path
  RegistrationCounters registration;
  ApiConnectionCounters api;
  std::optional<HaSnapshot> ha;  // only when this node replicates
};

// One counter as every view names it: the stats file's key, the metric's name part.
struct NamedCount {
  const char* name;
  uint64_t value;
  const char* help;
};

// The field lists the views share, in the stats file's order.
std::vector<NamedCount> control_counts(const TableCounters& c);
std::vector<NamedCount> control_refusals(const TableCounters& c);  // the stats file's "refused"
std::vector<NamedCount> registration_counts(const RegistrationCounters& c);
std::vector<NamedCount> datapath_learn_counts(const DatapathLearnCounts& c);
std::vector<NamedCount> card_only_counts(const CardOnlyCounts& c);
std::vector<NamedCount> ha_counts(const HaStats& s);  // counters only (not the last snapshot's)
std::vector<NamedCount> port_counts(const PortCountersInfo& p);
std::vector<NamedCount> vni_counts(const VniCountersSnapshot& v);
std::vector<NamedCount> source_counts(const EntriesBySource& b);  // static, registered, ...

}  // namespace vxsn
