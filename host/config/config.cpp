#include "host/config/config.hpp"

#include <toml++/toml.h>
#include <fstream>
#include <set>
#include <sstream>

#include "hls/vxlan_wire.hpp"

namespace vxsn {

ConfigError::ConfigError(std::string source, uint32_t line, std::string key,
                         const std::string& what)
    : std::runtime_error(source + (line ? ":" + std::to_string(line) : std::string()) + ": " +
                         (key.empty() ? std::string() : key + ": ") + what),
      source_(std::move(source)),
      line_(line),
      key_(std::move(key)) {}

namespace {

// Walks the TOML tree, so every error can name the file, the line and the dotted key.
class Reader {
 public:
  explicit Reader(const std::string& source) : source_(source) {}

  [[noreturn]] void fail(const toml::node& node, const std::string& key,
                         const std::string& what) const {
    throw ConfigError(source_, node.source().begin.line, key, what);
  }

  // Refuses keys the daemon does not know: a typo must not silently fall back to a default.
  void only_keys(const toml::table& table, const std::string& prefix,
                 std::initializer_list<std::string_view> allowed) const {
    for (auto&& [k, v] : table) {
      bool known = false;
      for (auto a : allowed) known |= (k.str() == a);
      if (!known) fail(v, join(prefix, k.str()), "unknown key");
    }
  }

  static std::string join(const std::string& prefix, std::string_view key) {
    return prefix.empty() ? std::string(key) : prefix + "." + std::string(key);
  }

  std::string string(const toml::node& n, const std::string& key) const {
    if (auto v = n.value<std::string>(); v && n.is_string()) return *v;
    fail(n, key, "expected a string");
  }

  int64_t integer(const toml::node& n, const std::string& key, int64_t lo, int64_t hi) const {
    if (!n.is_integer()) fail(n, key, "expected an integer");
    int64_t v = *n.value<int64_t>();
    if (v < lo || v > hi)
      fail(n, key,
           "must be " + std::to_string(lo) + ".." + std::to_string(hi) + ", got " +
               std::to_string(v));
    return v;
  }

  IpAddr address(const toml::node& n, const std::string& key) const {
    auto text = string(n, key);
    auto ip = IpAddr::parse(text);
    if (!ip) fail(n, key, "not an IPv4 or IPv6 address: '" + text + "'");
    return *ip;
  }

  std::vector<IpAddr> addresses(const toml::node& n, const std::string& key) const {
    const toml::array* arr = n.as_array();
    if (!arr) fail(n, key, "expected an array of addresses");
    std::vector<IpAddr> out;
    for (size_t i = 0; i < arr->size(); ++i)
      out.push_back(address((*arr)[i], key + "[" + std::to_string(i) + "]"));
    return out;
  }

  const toml::table& table(const toml::node& n, const std::string& key) const {
    if (!n.is_table()) fail(n, key, "expected a table");
    return *n.as_table();
  }

 private:
  const std::string& source_;
};

void read_node(const Reader& r, const toml::table& t, Config& c) {
  r.only_keys(
      t, "node",
      {"id", "service_addresses", "vxlan_port", "source_ip", "own_ipv4", "own_ipv6", "ttl"});
  if (auto n = t.get("id")) c.node_id = r.string(*n, "node.id");
  if (auto n = t.get("service_addresses"))
    c.service_addresses = r.addresses(*n, "node.service_addresses");
  if (auto n = t.get("vxlan_port"))
    c.vxlan_port = static_cast<uint16_t>(r.integer(*n, "node.vxlan_port", 1, 65535));
  if (auto n = t.get("source_ip")) {
    auto mode = r.string(*n, "node.source_ip");
    if (mode == "original")
      c.keep_source_ip = true;
    else if (mode == "own")
      c.keep_source_ip = false;
    else
      r.fail(*n, "node.source_ip", "must be \"original\" or \"own\", got \"" + mode + "\"");
  }
  if (auto n = t.get("own_ipv4")) {
    c.own_v4 = r.address(*n, "node.own_ipv4");
    if (!c.own_v4.is_v4()) r.fail(*n, "node.own_ipv4", "not an IPv4 address");
  }
  if (auto n = t.get("own_ipv6")) {
    c.own_v6 = r.address(*n, "node.own_ipv6");
    if (!c.own_v6.is_v6()) r.fail(*n, "node.own_ipv6", "not an IPv6 address");
  }
  if (auto n = t.get("ttl")) c.ttl = static_cast<uint8_t>(r.integer(*n, "node.ttl", 1, 255));
}

void read_datapath(const Reader& r, const toml::table& t, Config& c) {
  r.only_keys(t, "datapath", {"mode", "eal_args"});
  if (auto n = t.get("mode")) {
    c.datapath = r.string(*n, "datapath.mode");
    if (c.datapath != "software" && c.datapath != "emu" && c.datapath != "fpga")
      r.fail(*n, "datapath.mode", "must be software, emu or fpga, got \"" + c.datapath + "\"");
  }
  if (auto n = t.get("eal_args")) {
    const toml::array* arr = n->as_array();
    if (!arr) r.fail(*n, "datapath.eal_args", "expected an array of strings");
    c.eal_args.clear();
    for (size_t i = 0; i < arr->size(); ++i)
      c.eal_args.push_back(r.string((*arr)[i], "datapath.eal_args[" + std::to_string(i) + "]"));
  }
}

void read_ports(const Reader& r, const toml::node& n, Config& c) {
  const toml::array* arr = n.as_array();
  if (!arr || !arr->is_array_of_tables()) r.fail(n, "port", "expected [[port]] tables");
  for (size_t i = 0; i < arr->size(); ++i) {
    std::string key = "port[" + std::to_string(i) + "]";
    const toml::table& t = r.table((*arr)[i], key);
    r.only_keys(t, key, {"device", "max_frame_len"});
    PortSettings p;
    auto dev = t.get("device");
    if (!dev) r.fail(t, key + ".device", "missing");
    p.device = r.string(*dev, key + ".device");
    if (auto m = t.get("max_frame_len"))
      p.max_frame_len =
          static_cast<uint32_t>(r.integer(*m, key + ".max_frame_len", 64, wire::kMaxFrameLen));
    c.ports.push_back(std::move(p));
  }
}

void read_vnis(const Reader& r, const toml::node& n, Config& c) {
  const toml::array* arr = n.as_array();
  if (!arr || !arr->is_array_of_tables()) r.fail(n, "vni", "expected [[vni]] tables");
  std::set<uint32_t> seen;
  for (size_t i = 0; i < arr->size(); ++i) {
    std::string key = "vni[" + std::to_string(i) + "]";
    const toml::table& t = r.table((*arr)[i], key);
    r.only_keys(t, key, {"id", "members"});
    StaticVni v;
    auto id = t.get("id");
    if (!id) r.fail(t, key + ".id", "missing");
    v.vni = static_cast<uint32_t>(r.integer(*id, key + ".id", 1, wire::kVniMax));
    if (!seen.insert(v.vni).second)
      r.fail(*id, key + ".id", "VNI " + std::to_string(v.vni) + " is listed twice");
    if (auto m = t.get("members")) v.members = r.addresses(*m, key + ".members");
    std::set<IpAddr> unique(v.members.begin(), v.members.end());
    if (unique.size() != v.members.size())
      r.fail(*t.get("members"), key + ".members", "a member is listed twice");
    c.vnis.push_back(std::move(v));
  }
}

void read_log(const Reader& r, const toml::table& t, Config& c) {
  r.only_keys(t, "log", {"level", "stats_file", "stats_interval_ms"});
  if (auto n = t.get("level")) {
    c.log_level = r.string(*n, "log.level");
    static const std::set<std::string> levels{"trace", "debug", "info", "warn", "error", "off"};
    if (!levels.count(c.log_level))
      r.fail(*n, "log.level", "must be trace, debug, info, warn, error or off");
  }
  if (auto n = t.get("stats_file")) c.stats_file = r.string(*n, "log.stats_file");
  if (auto n = t.get("stats_interval_ms"))
    c.stats_interval_ms =
        static_cast<uint32_t>(r.integer(*n, "log.stats_interval_ms", 10, 3600000));
}

}  // namespace

Config parse_config(std::string_view text, const std::string& source) {
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    throw ConfigError(source, e.source().begin.line, "", std::string(e.description()));
  }
  Reader r(source);
  Config c;
  r.only_keys(root, "", {"node", "datapath", "port", "vni", "log"});
  if (auto n = root.get("node")) read_node(r, r.table(*n, "node"), c);
  if (auto n = root.get("datapath")) read_datapath(r, r.table(*n, "datapath"), c);
  if (auto n = root.get("port")) read_ports(r, *n, c);
  if (auto n = root.get("vni")) read_vnis(r, *n, c);
  if (auto n = root.get("log")) read_log(r, r.table(*n, "log"), c);
  validate_config(c, source);
  return c;
}

Config load_config(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw ConfigError(path.string(), 0, "", "cannot read the file");
  std::stringstream text;
  text << in.rdbuf();
  return parse_config(text.str(), path.string());
}

void validate_config(Config& c, const std::string& source) {
  if (c.service_addresses.empty())
    throw ConfigError(source, 0, "node.service_addresses", "at least one address is required");
  if (c.ports.empty()) throw ConfigError(source, 0, "port", "at least one [[port]] is required");
  // Copies sent from the node's own address default to its first service address per family.
  for (const IpAddr& a : c.service_addresses) {
    if (a.is_v4() && c.own_v4.family == IpAddr::Family::kNone) c.own_v4 = a;
    if (a.is_v6() && c.own_v6.family == IpAddr::Family::kNone) c.own_v6 = a;
  }
  // Copies from the node's own address need one of every member's family.
  if (!c.keep_source_ip) {
    for (const StaticVni& v : c.vnis)
      for (const IpAddr& m : v.members)
        if ((m.is_v4() && !c.own_v4.is_v4()) || (m.is_v6() && !c.own_v6.is_v6()))
          throw ConfigError(source, 0, m.is_v4() ? "node.own_ipv4" : "node.own_ipv6",
                            "source_ip = \"own\" needs an own address for member " +
                                m.to_string() + " of VNI " + std::to_string(v.vni));
  }
}

}  // namespace vxsn
