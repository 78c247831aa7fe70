#include "host/api/config_toml.hpp"

#include <toml++/toml.h>

#include <sstream>

#include "host/config/metrics_settings.hpp"

namespace vxsn {
namespace {

toml::array addresses(const std::vector<IpAddr>& list) {
  toml::array out;
  for (const IpAddr& a : list) out.push_back(a.to_string());
  return out;
}

toml::array strings(const std::vector<std::string>& list) {
  toml::array out;
  for (const std::string& s : list) out.push_back(s);
  return out;
}

std::string range(const VniRange& r) {
  return r.first == r.last ? std::to_string(r.first)
                           : std::to_string(r.first) + "-" + std::to_string(r.last);
}

int64_t i(uint64_t v) {
  return static_cast<int64_t>(v);
}

}  // namespace

std::string render_config_toml(const Config& c) {
  toml::table node{{"id", c.node_id},
                   {"service_addresses", addresses(c.service_addresses)},
                   {"vxlan_port", i(c.vxlan_port)},
                   {"source_ip", c.keep_source_ip ? "original" : "own"},
                   {"ttl", i(c.ttl)}};
  if (c.own_v4.is_v4()) node.insert("own_ipv4", c.own_v4.to_string());
  if (c.own_v6.is_v6()) node.insert("own_ipv6", c.own_v6.to_string());
  if (!c.health_file.empty()) {
    node.insert("health_file", c.health_file);
    node.insert("health_interval_ms", i(c.health_interval_ms));
  }

  toml::table datapath{{"mode", c.datapath}, {"eal_args", strings(c.eal_args)}};

  toml::array ports;
  for (const PortSettings& p : c.ports)
    ports.push_back(toml::table{{"device", p.device}, {"max_frame_len", i(p.max_frame_len)}});

  toml::array vnis;
  for (const StaticVni& v : c.vnis)
    vnis.push_back(toml::table{{"id", i(v.vni)}, {"members", addresses(v.members)}});

  const TableSettings& t = c.table;
  toml::table table{{"max_vnis", i(t.max_vnis)},
                    {"max_members_per_vni", i(t.max_members_per_vni)},
                    {"max_entries", i(t.max_entries)},
                    {"registration_rate", i(t.registration_rate)},
                    {"registration_burst", i(t.registration_burst)},
                    {"holdtime_s", i(t.holdtime_s)},
                    {"learn_holdtime_s", i(t.learn_holdtime_s)},
                    {"ageing_interval_ms", i(t.ageing_interval_ms)},
                    {"learn_rate", i(t.learn_rate)},
                    {"learning", t.learning},
                    {"unlisted_vnis", t.allow_unlisted_vnis ? "allow" : "deny"},
                    {"source_check", source_check_name(t.source_check)}};

  toml::array allow;
  for (const AllowRule& r : c.allow) {
    toml::array prefixes;
    for (const IpPrefix& p : r.prefixes) prefixes.push_back(p.to_string());
    allow.push_back(toml::table{{"vnis", range(r.vnis)}, {"prefixes", prefixes}});
  }
  toml::array learning;
  for (const LearningRule& r : c.learning)
    learning.push_back(toml::table{{"vnis", range(r.vnis)}, {"enabled", r.enabled}});

  toml::array source_check;
  for (const SourceCheckRule& r : c.source_check)
    source_check.push_back(
        toml::table{{"vnis", range(r.vnis)}, {"mode", source_check_name(r.mode)}});

  const StormSettings& st = c.storm;
  toml::table storm{{"vni_frames_per_s", i(st.per_vni.frames_per_s)},
                    {"vni_bytes_per_s", i(st.per_vni.bytes_per_s)},
                    {"vtep_frames_per_s", i(st.per_vtep.frames_per_s)},
                    {"vtep_bytes_per_s", i(st.per_vtep.bytes_per_s)},
                    {"burst_ms", i(st.burst_ms)}};
  toml::array storm_rules;
  for (const StormRule& r : st.rules)
    storm_rules.push_back(toml::table{{"vnis", range(r.vnis)},
                                      {"frames_per_s", i(r.rate.frames_per_s)},
                                      {"bytes_per_s", i(r.rate.bytes_per_s)}});
  if (!storm_rules.empty()) storm.insert("vni", storm_rules);

  toml::table log{{"level", c.log_level}, {"stats_interval_ms", i(c.stats_interval_ms)}};
  if (!c.stats_file.empty()) log.insert("stats_file", c.stats_file);

  const ApiSettings& a = c.api;
  toml::table api{{"socket", a.socket_path},
                  {"socket_group", a.socket_group},
                  {"tcp_address", a.tcp_address},
                  {"tcp_port", i(a.tcp_port)},
                  {"max_connections", i(a.max_connections)},
                  {"max_connections_per_source", i(a.max_connections_per_source)},
                  {"max_request_bytes", i(a.max_request_bytes)},
                  {"idle_timeout_ms", i(a.idle_timeout_ms)}};
  if (!a.tls_cert.empty()) api.insert("tls_cert", a.tls_cert);
  if (!a.tls_key.empty()) api.insert("tls_key", a.tls_key);
  if (!a.tls_ca.empty()) api.insert("tls_ca", a.tls_ca);

  toml::table metrics{{"top_vnis", i(c.metrics.top_vnis)}};
  if (c.metrics.enabled) metrics.insert("listen", listen_text(c.metrics));

  toml::table root{{"node", node},           {"datapath", datapath}, {"table", table},
                   {"storm_control", storm}, {"log", log},           {"api", api},
                   {"metrics", metrics}};
  if (!ports.empty()) root.insert("port", ports);
  if (!vnis.empty()) root.insert("vni", vnis);
  if (!allow.empty()) root.insert("allow", allow);
  if (!learning.empty()) root.insert("learning", learning);
  if (!source_check.empty()) root.insert("source_check", source_check);

  std::ostringstream out;
  out << toml::toml_formatter(root) << '\n';
  return out.str();
}

}  // namespace vxsn
