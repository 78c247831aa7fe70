// Settings that are valid but probably not what a deployment wants: printed by
// `vxsnd --check-config` and logged at start and on reload. Never fatal.
#pragma once

#include <string>
#include <vector>

#include "host/config/config.hpp"

namespace vxsn {

std::vector<std::string> config_warnings(const Config& config);

}  // namespace vxsn
