// The node's counters as JSON: written to the stats file for tools and tests, and logged
// when the daemon exits.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "host/metrics/node_snapshot.hpp"

namespace vxsn {

// The same keys whichever datapath counted (a card adds "card").
nlohmann::json stats_json(const NodeSnapshot& s);

// Replaces `path` atomically (write a temporary file, then rename), so readers never see
// a half-written file. Returns false on failure.
bool replace_file_atomically(const std::string& path, const std::string& text);
// The stats as indented JSON through replace_file_atomically; logs a failure.
bool write_stats_file(const std::string& path, const nlohmann::json& stats);

}  // namespace vxsn
