// The daemon's configuration: one TOML file, overridable by command-line flags.
#pragma once

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "driver/net_types.hpp"

namespace vxsn {

struct PortSettings {
  std::string device;             // EAL device string, e.g. "net_af_xdp0,iface=sn0"
  uint32_t max_frame_len = 9216;  // largest underlay frame to carry whole
};

struct StaticVni {
  uint32_t vni = 0;
  std::vector<IpAddr> members;
};

struct Config {
  std::string node_id = "vxsn";
  std::vector<IpAddr> service_addresses;  // outer destinations the node answers for
  uint16_t vxlan_port = 4789;
  bool keep_source_ip = true;  // copies carry the sending VTEP's address (receivers learn)
  IpAddr own_v4, own_v6;       // source of copies otherwise; default: first service address
  uint8_t ttl = 64;

  std::string datapath = "software";  // software | emu | fpga
  std::vector<std::string> eal_args;  // empty: the driver's defaults
  std::vector<PortSettings> ports;

  std::vector<StaticVni> vnis;

  std::string log_level = "info";
  std::string stats_file;  // JSON counters, rewritten every stats_interval_ms
  uint32_t stats_interval_ms = 1000;
};

// A configuration mistake, located: "vxsnd.toml:12: node.ttl: must be 1..255".
class ConfigError : public std::runtime_error {
 public:
  ConfigError(std::string source, uint32_t line, std::string key, const std::string& what);
  const std::string& source() const { return source_; }
  uint32_t line() const { return line_; }
  const std::string& key() const { return key_; }

 private:
  std::string source_;
  uint32_t line_;
  std::string key_;
};

// Parses TOML text; `source` names it in errors. Throws ConfigError.
Config parse_config(std::string_view text, const std::string& source);
// Reads and parses a file. Throws ConfigError (also for an unreadable file).
Config load_config(const std::filesystem::path& path);
// Cross-field checks that also apply after command-line overrides. Throws ConfigError.
void validate_config(Config& config, const std::string& source);

}  // namespace vxsn
