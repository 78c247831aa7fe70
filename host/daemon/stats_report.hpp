// The node's counters as JSON: written to the stats file for tools and tests, and logged
// when the daemon exits.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "driver/dpdk/port.hpp"
#include "host/daemon/table_compiler.hpp"
#include "host/datapath/counters.hpp"

namespace vxsn {

struct StatsSources {
  const std::string& node_id;
  double uptime_s;
  const DatapathCounters& datapath;
  uint64_t host_frames;
  const VniCounterRegistry& vnis;
  const std::vector<DpdkPort*>& ports;
  const TableSummary& table;
  uint64_t table_generation;
};

nlohmann::json stats_json(const StatsSources& s);

// Replaces `path` atomically (write a temporary file, then rename), so readers never see
// a half-written file. Returns false and logs on failure.
bool write_stats_file(const std::string& path, const nlohmann::json& stats);

}  // namespace vxsn
