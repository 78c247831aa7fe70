// What a reload (SIGHUP or the API's reloadConfig) does with a freshly loaded config file:
// which changes take effect now and which only on restart (ports, the VXLAN port, the API's
// listeners). Pure functions: the daemon applies the result (the service addresses through
// service_address_change).
#pragma once

#include <string>
#include <vector>

#include "host/config/config.hpp"

namespace vxsn {

// The keys whose change in `fresh` only a restart applies ("port", "node.vxlan_port",
// ...), in a fixed order; `ha_changed`: the file's [ha] section differs from the running one.
std::vector<std::string> restart_only_changes(const Config& running, const Config& fresh,
                                              bool ha_changed);

// The replication parameters and per-VNI policies agree: the compiled layout stays.
bool same_layout(const Config& a, const Config& b);

// Takes every reloadable setting of `fresh` into `running`. Static members apply the file's
// change since `file_vnis` (the file as last loaded), keeping what the API changed
// meanwhile; `file_vnis` becomes the fresh file's.
void apply_reloadable(Config& running, Config&& fresh, std::vector<StaticVni>& file_vnis);

}  // namespace vxsn
