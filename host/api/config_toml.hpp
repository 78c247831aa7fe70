// The running configuration as TOML that parse_config() reads back to the same values:
// what `vxsnctl config show` prints, including members added through the API. A section
// added to Config needs its lines here too (the round-trip test in tests/api says so).
#pragma once

#include <string>

#include "host/config/config.hpp"

namespace vxsn {

std::string render_config_toml(const Config& config);

}  // namespace vxsn
