// The API's replies as JSON for `vxsnctl --json`: field names are the IDL's, so scripts can
// read the IDL as the schema.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "vxsn_api/Management.h"

namespace vxsn::ctl {

nlohmann::json to_json(const api::NodeInfo& info);
nlohmann::json to_json(const std::vector<api::VniSummary>& vnis);
nlohmann::json to_json(const api::Member& member);
nlohmann::json to_json(const std::vector<api::Member>& members);
nlohmann::json to_json(const api::ReplaceResult& result);
nlohmann::json to_json(const api::Counters& counters);
nlohmann::json to_json(const std::vector<api::Peer>& peers);
nlohmann::json to_json(const api::ConfigDump& config);
nlohmann::json to_json(const api::ReloadResult& result);

// "static", "registered", ...
const char* source_name(api::Source::type source);

}  // namespace vxsn::ctl
