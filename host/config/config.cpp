#include "host/config/config.hpp"

#include "host/config/toml_reader.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "hls/vxlan_wire.hpp"
#include "host/config/member_address.hpp"
#include "host/config/metrics_settings.hpp"
#include "host/config/steering_inputs.hpp"

namespace vxsn {

ConfigError::ConfigError(std::string source, uint32_t line, std::string key,
                         const std::string& what)
    : std::runtime_error(source + (line ? ":" + std::to_string(line) : std::string()) + ": " +
                         (key.empty() ? std::string() : key + ": ") + what),
      source_(std::move(source)),
      line_(line),
      key_(std::move(key)) {}

namespace {

void read_node(const TomlReader& r, const toml::table& t, Config& c) {
  r.only_keys(t, "node",
              {"id", "service_addresses", "vxlan_port", "source_ip", "own_ipv4", "own_ipv6", "ttl",
               "health_file", "health_interval_ms", "state_file", "state_interval_ms"});
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
  if (auto n = t.get("health_file")) c.health_file = r.string(*n, "node.health_file");
  if (auto n = t.get("health_interval_ms"))
    c.health_interval_ms =
        static_cast<uint32_t>(r.integer(*n, "node.health_interval_ms", 10, 10000));
  if (auto n = t.get("state_file")) {
    c.state_file = r.string(*n, "node.state_file");
    if (!c.state_file.empty() && c.state_file.back() == '/')
      r.fail(*n, "node.state_file", "must name a file, got the directory \"" + c.state_file + "\"");
  }
  if (auto n = t.get("state_interval_ms"))
    c.state_interval_ms =
        static_cast<uint32_t>(r.integer(*n, "node.state_interval_ms", 100, 86400000));
}

// -l, -c, --lcores, --main-lcore: placed from datapath.lcores, refused in eal_args.
bool has_core_arguments(const std::vector<std::string>& args) {
  for (const std::string& a : args) {
    const bool short_core = a.size() >= 2 && a[0] == '-' && (a[1] == 'l' || a[1] == 'c');
    if (short_core || a.rfind("--lcores", 0) == 0 || a.rfind("--main-lcore", 0) == 0) return true;
  }
  return false;
}

// A count (lcores = 2) or a list of CPUs (lcores = [2, 3]).
void read_lcores(const TomlReader& r, const toml::node& n, Config& c) {
  c.datapath_lcores = {};
  if (const toml::array* arr = n.as_array()) {
    if (arr->empty()) r.fail(n, "datapath.lcores", "an empty list: name at least one CPU");
    for (size_t i = 0; i < arr->size(); ++i) {
      const unsigned cpu = static_cast<unsigned>(
          r.integer((*arr)[i], "datapath.lcores[" + std::to_string(i) + "]", 0, 1023));
      for (unsigned seen : c.datapath_lcores.cpus)
        if (seen == cpu)
          r.fail((*arr)[i], "datapath.lcores", "CPU " + std::to_string(cpu) + " listed twice");
      c.datapath_lcores.cpus.push_back(cpu);
    }
    return;
  }
  if (!n.is_integer())
    r.fail(n, "datapath.lcores", "expected a count of lcores or a list of CPU numbers");
  c.datapath_lcores.count = static_cast<unsigned>(r.integer(n, "datapath.lcores", 1, 128));
}

void read_datapath(const TomlReader& r, const toml::table& t, Config& c) {
  r.only_keys(t, "datapath", {"mode", "eal_args", "xclbin", "card_device", "lcores"});
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
  if (auto n = t.get("lcores")) read_lcores(r, *n, c);
  if (auto n = t.get("xclbin")) c.card.xclbin = r.string(*n, "datapath.xclbin");
  if (auto n = t.get("card_device"))
    c.card.device = static_cast<unsigned>(r.integer(*n, "datapath.card_device", 0, 255));
}

// What Linux accepts as a new interface name, less the characters a shell would trip on.
bool valid_interface_name(const std::string& name) {
  if (name.empty() || name.size() > 15 || name == "." || name == "..") return false;
  return std::all_of(name.begin(), name.end(), [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '_' || ch == '-';
  });
}

void read_ports(const TomlReader& r, const toml::node& n, Config& c) {
  const toml::array* arr = n.as_array();
  if (!arr || !arr->is_array_of_tables()) r.fail(n, "port", "expected [[port]] tables");
  for (size_t i = 0; i < arr->size(); ++i) {
    std::string key = "port[" + std::to_string(i) + "]";
    const toml::table& t = r.table((*arr)[i], key);
    r.only_keys(t, key, {"device", "max_frame_len", "rx_queues", "kernel_interface"});
    PortSettings p;
    auto dev = t.get("device");
    if (!dev) r.fail(t, key + ".device", "missing");
    p.device = r.string(*dev, key + ".device");
    if (auto m = t.get("max_frame_len"))
      p.max_frame_len =
          static_cast<uint32_t>(r.integer(*m, key + ".max_frame_len", 64, wire::kMaxFrameLen));
    if (auto q = t.get("rx_queues"))
      p.rx_queues = static_cast<uint16_t>(r.integer(*q, key + ".rx_queues", 1, 1024));
    if (auto k = t.get("kernel_interface")) {
      p.kernel_interface = r.string(*k, key + ".kernel_interface");
      if (!valid_interface_name(p.kernel_interface))
        r.fail(
            *k, key + ".kernel_interface",
            "'" + p.kernel_interface + "' is not an interface name (1 to 15 of A-Z a-z 0-9 . _ -)");
    }
    c.ports.push_back(std::move(p));
  }
}

void read_vnis(const TomlReader& r, const toml::node& n, Config& c) {
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
    if (auto m = t.get("members")) {
      v.members = r.addresses(*m, key + ".members");
      for (size_t j = 0; j < v.members.size(); ++j)
        if (auto problem = member_address_problem(v.members[j]))
          r.fail(*m->as_array()->get(j), key + ".members[" + std::to_string(j) + "]",
                 v.members[j].to_string() + " cannot be a member: " + *problem);
    }
    std::set<IpAddr> unique(v.members.begin(), v.members.end());
    if (unique.size() != v.members.size())
      r.fail(*t.get("members"), key + ".members", "a member is listed twice");
    c.vnis.push_back(std::move(v));
  }
}

// Every [[name]] table (name may be dotted, e.g. "storm_control.vni"): checks it is an
// array of tables holding only `keys` ("vnis" always allowed), reads its "vnis" range
// (every VNI when absent), and hands each to `read(table, key, vnis)` with its key
// ("name[i]") for errors.
template <class Read>
void for_each_rule(const TomlReader& r, const toml::node& n, const std::string& name,
                   std::initializer_list<std::string_view> keys, Read read) {
  const toml::array* arr = n.as_array();
  if (!arr || !arr->is_array_of_tables()) r.fail(n, name, "expected [[" + name + "]] tables");
  std::vector<std::string_view> allowed{"vnis"};
  allowed.insert(allowed.end(), keys.begin(), keys.end());
  for (size_t i = 0; i < arr->size(); ++i) {
    const std::string key = name + "[" + std::to_string(i) + "]";
    const toml::table& t = r.table((*arr)[i], key);
    r.only_keys_of(t, key, allowed);
    VniRange vnis;
    if (auto v = t.get("vnis")) vnis = r.vni_range(*v, key + ".vnis");
    read(t, key, vnis);
  }
}

SourceCheck read_source_check(const TomlReader& r, const toml::node& n, const std::string& key) {
  const std::string v = r.string(n, key);
  for (SourceCheck m : {SourceCheck::kStrict, SourceCheck::kLearn, SourceCheck::kOpen})
    if (v == source_check_name(m)) return m;
  r.fail(n, key, "must be \"strict\", \"learn\" or \"open\", got \"" + v + "\"");
}

void read_table(const TomlReader& r, const toml::table& t, Config& c) {
  r.only_keys(
      t, "table",
      {"max_vnis", "max_members_per_vni", "max_entries", "registration_rate", "registration_burst",
       "holdtime_s", "max_holdtime_s", "max_registrations_per_identifier",
       "max_registrations_per_source", "registration_reply_factor", "learn_holdtime_s",
       "ageing_interval_ms", "learn_rate", "learning", "unlisted_vnis", "source_check"});
  TableSettings& s = c.table;
  auto u32 = [&](const char* name, uint32_t& out, int64_t lo, int64_t hi) {
    if (auto n = t.get(name))
      out = static_cast<uint32_t>(r.integer(*n, std::string("table.") + name, lo, hi));
  };
  u32("max_vnis", s.max_vnis, 1, 1 << 24);
  u32("max_members_per_vni", s.max_members_per_vni, 1, 1 << 24);
  u32("max_entries", s.max_entries, 1, 1 << 28);
  u32("registration_rate", s.registration_rate, 1, 1000000);
  u32("registration_burst", s.registration_burst, 1, 1000000);
  // 65535 is "never expires" in the protocol, so it cannot be a holdtime announced or used.
  u32("holdtime_s", s.holdtime_s, 1, 65534);
  u32("max_holdtime_s", s.max_holdtime_s, 1, 65534);
  if (s.max_holdtime_s < s.holdtime_s) {
    // Named by the key the file set: the cap it lowered, or the holdtime it raised.
    if (auto n = t.get("max_holdtime_s"))
      r.fail(*n, "table.max_holdtime_s",
             "must be at least table.holdtime_s (" + std::to_string(s.holdtime_s) + "), got " +
                 std::to_string(s.max_holdtime_s));
    r.fail(*t.get("holdtime_s"), "table.holdtime_s",
           "must be at most table.max_holdtime_s (" + std::to_string(s.max_holdtime_s) + "), got " +
               std::to_string(s.holdtime_s));
  }
  u32("max_registrations_per_identifier", s.max_registrations_per_identifier, 1, 1 << 24);
  u32("max_registrations_per_source", s.max_registrations_per_source, 1, 1 << 24);
  u32("registration_reply_factor", s.registration_reply_factor, 1, 64);
  u32("learn_holdtime_s", s.learn_holdtime_s, 1, 65534);
  u32("ageing_interval_ms", s.ageing_interval_ms, 10, 60000);
  u32("learn_rate", s.learn_rate, 1, 10000000);
  if (auto n = t.get("learning")) s.learning = r.boolean(*n, "table.learning");
  if (auto n = t.get("unlisted_vnis")) {
    auto v = r.string(*n, "table.unlisted_vnis");
    if (v != "allow" && v != "deny")
      r.fail(*n, "table.unlisted_vnis", "must be \"allow\" or \"deny\", got \"" + v + "\"");
    s.allow_unlisted_vnis = v == "allow";
  }
  if (auto n = t.get("source_check"))
    s.source_check = read_source_check(r, *n, "table.source_check");
}

void read_source_checks(const TomlReader& r, const toml::node& n, Config& c) {
  for_each_rule(r, n, "source_check", {"mode"},
                [&](const toml::table& t, const std::string& key, VniRange vnis) {
                  auto m = t.get("mode");
                  if (!m) r.fail(t, key + ".mode", "missing");
                  c.source_check.push_back({vnis, read_source_check(r, *m, key + ".mode")});
                });
}

// A rate in frames or bytes per second; 0 = no limit.
uint64_t read_rate(const TomlReader& r, const toml::table& t, const char* name,
                   const std::string& prefix) {
  auto n = t.get(name);
  if (!n) return 0;
  return static_cast<uint64_t>(
      r.integer(*n, prefix + name, 0, static_cast<int64_t>(kMaxPolicerRate)));
}

void read_storm_control(const TomlReader& r, const toml::table& t, Config& c) {
  r.only_keys(t, "storm_control",
              {"vni_frames_per_s", "vni_bytes_per_s", "vtep_frames_per_s", "vtep_bytes_per_s",
               "burst_ms", "vni"});
  StormSettings& s = c.storm;
  s.per_vni = {read_rate(r, t, "vni_frames_per_s", "storm_control."),
               read_rate(r, t, "vni_bytes_per_s", "storm_control.")};
  s.per_vtep = {read_rate(r, t, "vtep_frames_per_s", "storm_control."),
                read_rate(r, t, "vtep_bytes_per_s", "storm_control.")};
  if (auto n = t.get("burst_ms"))
    s.burst_ms = static_cast<uint32_t>(
        r.integer(*n, "storm_control.burst_ms", 1, kMaxPolicerBurstNs / 1000000));
  // Every limit must let one frame (and one largest frame's bytes) through per burst.
  auto check = [&](const PolicerRate& rate, const toml::node& at, const std::string& prefix) {
    if (auto problem = storm_rate_problem(rate, s.burst_ms))
      r.fail(at, prefix + problem->field, problem->message);
  };
  check(s.per_vni, t, "storm_control.vni_");
  check(s.per_vtep, t, "storm_control.vtep_");
  if (auto rules = t.get("vni"))
    for_each_rule(r, *rules, "storm_control.vni", {"frames_per_s", "bytes_per_s"},
                  [&](const toml::table& rt, const std::string& key, VniRange vnis) {
                    const PolicerRate rate{read_rate(r, rt, "frames_per_s", key + "."),
                                           read_rate(r, rt, "bytes_per_s", key + ".")};
                    check(rate, rt, key + ".");
                    s.rules.push_back({vnis, rate});
                  });
}

void read_allow(const TomlReader& r, const toml::node& n, Config& c) {
  for_each_rule(r, n, "allow", {"prefixes"},
                [&](const toml::table& t, const std::string& key, VniRange vnis) {
                  AllowRule rule;
                  rule.vnis = vnis;
                  auto p = t.get("prefixes");
                  if (!p) r.fail(t, key + ".prefixes", "missing");
                  const toml::array* list = p->as_array();
                  if (!list) r.fail(*p, key + ".prefixes", "expected an array of prefixes");
                  for (size_t j = 0; j < list->size(); ++j) {
                    const std::string pkey = key + ".prefixes[" + std::to_string(j) + "]";
                    const std::string text = r.string((*list)[j], pkey);
                    auto prefix = IpPrefix::parse(text);
                    if (!prefix) r.fail((*list)[j], pkey, "not an address prefix: '" + text + "'");
                    rule.prefixes.push_back(*prefix);
                  }
                  c.allow.push_back(std::move(rule));
                });
}

void read_learning(const TomlReader& r, const toml::node& n, Config& c) {
  for_each_rule(r, n, "learning", {"enabled"},
                [&](const toml::table& t, const std::string& key, VniRange vnis) {
                  auto e = t.get("enabled");
                  if (!e) r.fail(t, key + ".enabled", "missing");
                  c.learning.push_back({vnis, r.boolean(*e, key + ".enabled")});
                });
}

void read_log(const TomlReader& r, const toml::table& t, Config& c) {
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

void read_api(const TomlReader& r, const toml::table& t, Config& c) {
  r.only_keys(
      t, "api",
      {"socket", "socket_group", "tcp_address", "tcp_port", "tls_cert", "tls_key", "tls_ca",
       "max_connections", "max_connections_per_source", "max_request_bytes", "idle_timeout_ms"});
  ApiSettings& a = c.api;
  if (auto n = t.get("socket")) {
    a.socket_path = r.string(*n, "api.socket");
    // sun_path holds 107 characters and a terminator.
    if (a.socket_path.size() > 107) r.fail(*n, "api.socket", "longer than 107 characters");
  }
  if (auto n = t.get("socket_group")) a.socket_group = r.string(*n, "api.socket_group");
  if (auto n = t.get("tcp_address")) {
    a.tcp_address = r.string(*n, "api.tcp_address");
    if (!IpAddr::parse(a.tcp_address))
      r.fail(*n, "api.tcp_address", "not an IPv4 or IPv6 address: '" + a.tcp_address + "'");
  }
  if (auto n = t.get("tcp_port"))
    a.tcp_port = static_cast<uint16_t>(r.integer(*n, "api.tcp_port", 0, 65535));
  if (auto n = t.get("tls_cert")) a.tls_cert = r.string(*n, "api.tls_cert");
  if (auto n = t.get("tls_key")) a.tls_key = r.string(*n, "api.tls_key");
  if (auto n = t.get("tls_ca")) a.tls_ca = r.string(*n, "api.tls_ca");
  if (auto n = t.get("max_connections"))
    a.max_connections = static_cast<uint32_t>(r.integer(*n, "api.max_connections", 1, 1024));
  if (auto n = t.get("max_connections_per_source"))  // above max_connections: no extra bound
    a.max_connections_per_source =
        static_cast<uint32_t>(r.integer(*n, "api.max_connections_per_source", 1, 1024));
  if (auto n = t.get("max_request_bytes"))
    a.max_request_bytes =
        static_cast<uint32_t>(r.integer(*n, "api.max_request_bytes", 4096, 64 << 20));
  if (auto n = t.get("idle_timeout_ms"))
    a.idle_timeout_ms = static_cast<uint32_t>(r.integer(*n, "api.idle_timeout_ms", 100, 3600000));
  // TCP is only ever served with TLS and client certificates.
  if (a.tcp_port != 0) {
    const std::pair<const char*, const std::string*> files[] = {
        {"api.tls_cert", &a.tls_cert}, {"api.tls_key", &a.tls_key}, {"api.tls_ca", &a.tls_ca}};
    for (const auto& [key, path] : files)
      if (path->empty()) r.fail(t, key, "required when api.tcp_port is set");
  }
}

void read_metrics(const TomlReader& r, const toml::table& t, MetricsSettings& m) {
  r.only_keys(t, "metrics", {"listen", "top_vnis"});
  if (auto n = t.get("listen")) {
    std::string why;
    // A port alone is written as an integer as often as a string.
    const std::string text =
        n->is_integer() ? std::to_string(*n->value<int64_t>()) : r.string(*n, "metrics.listen");
    auto listen = parse_listen_address(text, &why);
    if (!listen) r.fail(*n, "metrics.listen", why);
    m.enabled = true;
    m.address = listen->address;
    m.port = listen->port;
  }
  if (auto n = t.get("top_vnis"))
    m.top_vnis = static_cast<uint32_t>(r.integer(*n, "metrics.top_vnis", 0, 100000));
}

}  // namespace

std::optional<StormRateProblem> storm_rate_problem(const PolicerRate& rate, uint32_t burst_ms) {
  const uint64_t burst_ns = uint64_t{burst_ms} * 1000000;
  const uint64_t min_frames = min_policer_rate(burst_ns, 1);
  const uint64_t min_bytes = min_policer_rate(burst_ns, wire::kMaxFrameLen);
  const std::string at = " at burst_ms = " + std::to_string(burst_ms) + ")";
  if (rate.frames_per_s != 0 && rate.frames_per_s < min_frames)
    return StormRateProblem{"frames_per_s",
                            "below one frame per burst (" + std::to_string(min_frames) + at};
  if (rate.bytes_per_s != 0 && rate.bytes_per_s < min_bytes)
    return StormRateProblem{
        "bytes_per_s", "below one 9216-byte frame per burst (" + std::to_string(min_bytes) + at};
  return std::nullopt;
}

bool IpPrefix::contains(const IpAddr& a) const {
  if (a.family != addr.family) return false;
  const unsigned full = length / 8, rest = length % 8;
  if (std::memcmp(a.bytes.data(), addr.bytes.data(), full) != 0) return false;
  if (rest == 0) return true;
  const uint8_t mask = static_cast<uint8_t>(0xFF00u >> rest);
  return (a.bytes[full] & mask) == (addr.bytes[full] & mask);
}

std::string IpPrefix::to_string() const {
  return addr.to_string() + "/" + std::to_string(length);
}

std::optional<IpPrefix> IpPrefix::parse(std::string_view text) {
  const auto slash = text.find('/');
  auto addr = IpAddr::parse(text.substr(0, slash));
  if (!addr) return std::nullopt;
  const unsigned max_len = addr->size() * 8;
  unsigned len = max_len;
  if (slash != std::string_view::npos) {
    std::string_view digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3) return std::nullopt;
    len = 0;
    for (char ch : digits) {
      if (ch < '0' || ch > '9') return std::nullopt;
      len = len * 10 + static_cast<unsigned>(ch - '0');
    }
    if (len > max_len) return std::nullopt;
  }
  IpPrefix p;
  p.addr = *addr;
  p.length = static_cast<uint8_t>(len);
  // Clear host bits so contains() and to_string() see the network address.
  for (unsigned bit = len; bit < max_len; ++bit)
    p.addr.bytes[bit / 8] &= static_cast<uint8_t>(~(0x80u >> (bit % 8)));
  return p;
}

Config parse_config(std::string_view text, const std::string& source) {
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    throw ConfigError(source, e.source().begin.line, "", std::string(e.description()));
  }
  TomlReader r(source);
  Config c;
  // [ha] is read by host/ha's parse_ha_config from the same file (vxsnd loads both).
  r.only_keys(root, "",
              {"node", "datapath", "port", "vni", "log", "table", "allow", "learning",
               "source_check", "storm_control", "api", "metrics", "ha"});
  if (auto n = root.get("node")) read_node(r, r.table(*n, "node"), c);
  if (auto n = root.get("datapath")) read_datapath(r, r.table(*n, "datapath"), c);
  if (auto n = root.get("port")) read_ports(r, *n, c);
  if (auto n = root.get("vni")) read_vnis(r, *n, c);
  if (auto n = root.get("log")) read_log(r, r.table(*n, "log"), c);
  if (auto n = root.get("table")) read_table(r, r.table(*n, "table"), c);
  if (auto n = root.get("allow")) read_allow(r, *n, c);
  if (auto n = root.get("learning")) read_learning(r, *n, c);
  if (auto n = root.get("source_check")) read_source_checks(r, *n, c);
  if (auto n = root.get("storm_control")) read_storm_control(r, r.table(*n, "storm_control"), c);
  if (auto n = root.get("api")) read_api(r, r.table(*n, "api"), c);
  if (auto n = root.get("metrics")) read_metrics(r, r.table(*n, "metrics"), c.metrics);
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
  if (has_core_arguments(c.eal_args))
    throw ConfigError(source, 0, "datapath.eal_args",
                      "-l, -c, --lcores and --main-lcore are set from datapath.lcores");
  for (size_t i = 0; i < c.ports.size(); ++i) {
    if (c.ports[i].kernel_interface.empty()) continue;
    const std::string key = "port[" + std::to_string(i) + "].kernel_interface";
    for (size_t j = 0; j < i; ++j)
      if (c.ports[j].kernel_interface == c.ports[i].kernel_interface)
        throw ConfigError(source, 0, key,
                          "'" + c.ports[i].kernel_interface + "' is port[" + std::to_string(j) +
                              "]'s kernel interface already");
  }
  if (c.datapath == "fpga" && c.card.xclbin.empty())
    throw ConfigError(source, 0, "datapath.xclbin",
                      "mode fpga needs the card's xclbin (built by hls/vitis)");
  // The steering policy compiles from these (a VXLAN port the node keeps for BFD or
  // registrations would hand those to the datapath): refused here, not at port start.
  try {
    compile_steering_policy(steering_inputs_of(c));
  } catch (const std::invalid_argument& e) {
    const std::string what = e.what();
    throw ConfigError(
        source, 0,
        what.find(" port") != std::string::npos ? "node.vxlan_port" : "node.service_addresses",
        what);
  }
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
                            "source_ip = \"own\" needs an own address for member " + m.to_string() +
                                " of VNI " + std::to_string(v.vni));
  }
}

}  // namespace vxsn
