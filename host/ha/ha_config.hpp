// The [ha] section of vxsnd's config: this node's identity and listen endpoints, its CURVE
// key, the peers it replicates with, and the timers. Parsed here on its own so replication
// can be tested before the section is merged into the main config (host/config).
//
//   [ha]
//   node_id = "sn1"                        # unique per node; breaks LWW ties
//   publish = "tcp://10.0.0.1:7801"        # PUB bind: this node's changes + heartbeats
//   snapshot = "tcp://10.0.0.1:7802"       # ROUTER bind: serves snapshots to peers
//   secret_key_file = "/etc/vxsn/ha/sn1.key"   # from `vxsn-keygen /etc/vxsn/ha/sn1`
//   heartbeat_interval_ms = 200
//   dead_interval_ms = 1000                # silence after which a peer is marked down
//   tombstone_expiry_ms = 3600000          # must exceed the longest outage to survive
//   refresh_interval_ms = 10000            # a pure expiry refresh is published at most this often
//   send_hwm = 100000                      # queue limit per subscriber (messages)
//   recv_hwm = 100000
//
//   [[ha.peers]]
//   name = "sn2"
//   publish = "tcp://10.0.0.2:7801"
//   snapshot = "tcp://10.0.0.2:7802"
//   public_key = "Z85..."                  # or public_key_file = "sn2.pub"
//
// Relative key file paths are resolved against the config file's directory.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace vxsn {

struct HaPeerConfig {
  std::string name;
  std::string publish_endpoint;   // its PUB, we SUB
  std::string snapshot_endpoint;  // its ROUTER, we DEALER
  std::string public_key;         // Z85
  bool operator==(const HaPeerConfig&) const = default;
};

struct HaConfig {
  bool enabled = false;  // true when the file has an [ha] section
  std::string node_id;
  std::string publish_bind;
  std::string snapshot_bind;
  std::string secret_key;  // Z85, read from secret_key_file
  std::string public_key;  // Z85, derived from the secret key
  std::vector<HaPeerConfig> peers;
  uint32_t heartbeat_interval_ms = 200;
  uint32_t dead_interval_ms = 1000;
  uint64_t tombstone_expiry_ms = 3600 * 1000;
  uint32_t refresh_interval_ms = 10000;
  int send_hwm = 100000;
  int recv_hwm = 100000;
  int socket_buffer_bytes = 0;  // kernel TCP buffers; 0 = OS default (tests shrink them)
  bool operator==(const HaConfig&) const = default;
};

// Reads the [ha] section of a whole config file's text (other sections are ignored);
// `source` names the file in errors, `base_dir` resolves relative key paths. Throws
// ConfigError (host/config/config.hpp) naming file, line and key.
HaConfig parse_ha_config(std::string_view text, const std::string& source,
                         const std::filesystem::path& base_dir = {});
HaConfig load_ha_config(const std::filesystem::path& path);

}  // namespace vxsn
