#include "host/ha/ha_config.hpp"

#include <fstream>
#include <set>
#include <sstream>

#include "host/config/config.hpp"
#include "host/config/toml_reader.hpp"
#include "host/ha/curve_keys.hpp"

namespace vxsn {
namespace {

// The shared reader, plus what only the [ha] section reads: endpoints and key files.
class HaReader : public TomlReader {
 public:
  HaReader(const std::string& source, std::filesystem::path base)
      : TomlReader(source), base_(std::move(base)) {}

  // Every string of [ha] names something (a node, an endpoint, a file): empty is a mistake.
  std::string string(const toml::node& n, const std::string& key) const {
    std::string v = TomlReader::string(n, key);
    if (v.empty()) fail(n, key, "must not be empty");
    return v;
  }

  // ZeroMQ endpoints the replicator can use between hosts (ipc for tests on one host).
  std::string endpoint(const toml::node& n, const std::string& key) const {
    std::string v = string(n, key);
    if (v.rfind("tcp://", 0) != 0 && v.rfind("ipc://", 0) != 0)
      fail(n, key, "expected a ZeroMQ endpoint \"tcp://host:port\", got \"" + v + "\"");
    return v;
  }

  std::string key_file(const toml::node& n, const std::string& key) const {
    std::filesystem::path p = string(n, key);
    if (p.is_relative() && !base_.empty()) p = base_ / p;
    try {
      return read_z85_key_file(p);
    } catch (const CurveKeyError& e) {
      fail(n, key, e.what());
    }
  }

  std::string z85(const toml::node& n, const std::string& key) const {
    std::string v = string(n, key);
    if (!is_z85_key(v)) fail(n, key, "not a Z85 CURVE public key (40 characters)");
    return v;
  }

  template <class F>
  void required(const toml::table& t, std::string_view name, const std::string& prefix,
                const toml::node& where, F&& read) const {
    auto n = t.get(name);
    if (!n) fail(where, prefix + "." + std::string(name), "is required");
    read(*n, prefix + "." + std::string(name));
  }

 private:
  std::filesystem::path base_;
};

HaPeerConfig read_peer(const HaReader& r, const toml::node& node, const std::string& prefix) {
  if (!node.is_table()) r.fail(node, prefix, "expected a table");
  const toml::table& t = *node.as_table();
  r.only_keys(t, prefix, {"name", "publish", "snapshot", "public_key", "public_key_file"});
  HaPeerConfig p;
  r.required(t, "name", prefix, node, [&](auto& n, auto k) { p.name = r.string(n, k); });
  r.required(t, "publish", prefix, node,
             [&](auto& n, auto k) { p.publish_endpoint = r.endpoint(n, k); });
  r.required(t, "snapshot", prefix, node,
             [&](auto& n, auto k) { p.snapshot_endpoint = r.endpoint(n, k); });
  auto inline_key = t.get("public_key");
  auto file_key = t.get("public_key_file");
  if (inline_key && file_key)
    r.fail(*file_key, prefix + ".public_key_file", "give public_key or public_key_file, not both");
  if (inline_key)
    p.public_key = r.z85(*inline_key, prefix + ".public_key");
  else if (file_key)
    p.public_key = r.key_file(*file_key, prefix + ".public_key_file");
  else
    r.fail(node, prefix + ".public_key", "is required (or public_key_file)");
  return p;
}

}  // namespace

HaConfig parse_ha_config(std::string_view text, const std::string& source,
                         const std::filesystem::path& base_dir) {
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    throw ConfigError(source, e.source().begin.line, "", std::string(e.description()));
  }
  HaConfig c;
  auto ha_node = root.get("ha");
  if (!ha_node) return c;
  HaReader r(source, base_dir);
  if (!ha_node->is_table()) r.fail(*ha_node, "ha", "expected a table");
  const toml::table& t = *ha_node->as_table();
  r.only_keys(t, "ha",
              {"node_id", "publish", "snapshot", "secret_key_file", "heartbeat_interval_ms",
               "dead_interval_ms", "tombstone_expiry_ms", "refresh_interval_ms", "send_hwm",
               "recv_hwm", "peers"});
  c.enabled = true;
  r.required(t, "node_id", "ha", *ha_node, [&](auto& n, auto k) { c.node_id = r.string(n, k); });
  r.required(t, "publish", "ha", *ha_node,
             [&](auto& n, auto k) { c.publish_bind = r.endpoint(n, k); });
  r.required(t, "snapshot", "ha", *ha_node,
             [&](auto& n, auto k) { c.snapshot_bind = r.endpoint(n, k); });
  r.required(t, "secret_key_file", "ha", *ha_node,
             [&](auto& n, auto k) { c.secret_key = r.key_file(n, k); });
  c.public_key = curve_public_from_secret(c.secret_key);
  if (auto n = t.get("heartbeat_interval_ms"))
    c.heartbeat_interval_ms =
        static_cast<uint32_t>(r.integer(*n, "ha.heartbeat_interval_ms", 10, 60000));
  if (auto n = t.get("dead_interval_ms"))
    c.dead_interval_ms = static_cast<uint32_t>(r.integer(*n, "ha.dead_interval_ms", 20, 600000));
  if (c.dead_interval_ms < 2 * c.heartbeat_interval_ms)
    r.fail(t.get("dead_interval_ms") ? *t.get("dead_interval_ms") : *ha_node, "ha.dead_interval_ms",
           "must be at least twice ha.heartbeat_interval_ms (" +
               std::to_string(c.heartbeat_interval_ms) + ")");
  if (auto n = t.get("tombstone_expiry_ms"))
    c.tombstone_expiry_ms =
        static_cast<uint64_t>(r.integer(*n, "ha.tombstone_expiry_ms", 1000, int64_t{1} << 40));
  if (auto n = t.get("refresh_interval_ms"))
    c.refresh_interval_ms =
        static_cast<uint32_t>(r.integer(*n, "ha.refresh_interval_ms", 0, 86400000));
  if (auto n = t.get("send_hwm"))
    c.send_hwm = static_cast<int>(r.integer(*n, "ha.send_hwm", 0, 100000000));
  if (auto n = t.get("recv_hwm"))
    c.recv_hwm = static_cast<int>(r.integer(*n, "ha.recv_hwm", 0, 100000000));
  if (auto n = t.get("peers")) {
    const toml::array* arr = n->as_array();
    if (!arr) r.fail(*n, "ha.peers", "expected an array of tables ([[ha.peers]])");
    std::set<std::string> names{c.node_id};
    std::set<std::string> keys{c.public_key};
    for (size_t i = 0; i < arr->size(); ++i) {
      std::string prefix = "ha.peers[" + std::to_string(i) + "]";
      HaPeerConfig p = read_peer(r, (*arr)[i], prefix);
      const toml::table& pt = *(*arr)[i].as_table();
      if (!names.insert(p.name).second)
        r.fail(*pt.get("name"), prefix + ".name",
               "\"" + p.name + "\" is this node or another peer");
      if (!keys.insert(p.public_key).second)
        r.fail(pt.get("public_key") ? *pt.get("public_key") : *pt.get("public_key_file"),
               prefix + ".public_key", "the same key is used by this node or another peer");
      c.peers.push_back(std::move(p));
    }
  }
  return c;
}

HaConfig load_ha_config(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw ConfigError(path.string(), 0, "", "cannot read the file");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_ha_config(ss.str(), path.string(), path.parent_path());
}

}  // namespace vxsn
