// The node's counters as JSON: written to the stats file for tools and tests, and logged
// when the daemon exits.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "driver/dpdk/port.hpp"
#include "host/daemon/table_compiler.hpp"
#include "host/datapath/counters.hpp"

namespace vxsn {

// Counters come as snapshots so that either datapath can supply them: the software
// datapath from its own counters, a card from its counter block (same keys either way).
struct StatsSources {
  const std::string& node_id;
  double uptime_s;
  const std::string& datapath_mode;  // software | emu | fpga
  DatapathCountersSnapshot datapath;
  uint64_t host_frames;
  std::vector<std::pair<uint32_t, VniCountersSnapshot>> vnis;  // sorted by VNI
  const std::vector<DpdkPort*>& ports;
  const TableSummary& table;
  uint64_t table_generation;
  nlohmann::json card;  // card modes: status and card-only counters; null otherwise
};

nlohmann::json stats_json(const StatsSources& s);

// Replaces `path` atomically (write a temporary file, then rename), so readers never see
// a half-written file. Returns false on failure.
bool replace_file_atomically(const std::string& path, const std::string& text);
// The stats as indented JSON through replace_file_atomically; logs a failure.
bool write_stats_file(const std::string& path, const nlohmann::json& stats);

}  // namespace vxsn
