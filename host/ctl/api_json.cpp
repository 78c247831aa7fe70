#include "host/ctl/api_json.hpp"

namespace vxsn::ctl {

using nlohmann::json;

const char* source_name(api::Source::type source) {
  switch (source) {
    case api::Source::STATIC:
      return "static";
    case api::Source::REGISTERED:
      return "registered";
    case api::Source::LEARNED:
      return "learned";
    case api::Source::PEER:
      return "peer";
  }
  return "unknown";
}

json to_json(const api::NodeInfo& i) {
  json out = {{"api_version_major", i.api_version_major},
              {"api_version_minor", i.api_version_minor},
              {"software_version", i.software_version},
              {"node_id", i.node_id},
              {"datapath_mode", i.datapath_mode},
              {"uptime_s", i.uptime_s},
              {"service_addresses", i.service_addresses},
              {"vxlan_port", i.vxlan_port},
              {"table_generation", i.table_generation},
              {"vnis", i.vnis},
              {"members", i.members},
              {"unresolved_members", i.unresolved_members},
              {"limits",
               {{"max_vnis", i.limits.max_vnis},
                {"max_members_per_vni", i.limits.max_members_per_vni},
                {"max_entries", i.limits.max_entries}}}};
  if (i.__isset.sources)
    out["sources"] = {{"static", i.sources.static_entries},
                      {"registered", i.sources.registered},
                      {"learned", i.sources.learned},
                      {"peer", i.sources.peer}};
  if (i.__isset.api)
    out["api"] = {{"connections_refused", i.api.connections_refused},
                  {"handshake_timeouts", i.api.handshake_timeouts}};
  if (i.__isset.card) {
    const api::CardStatus& c = i.card;
    json tables = json::array();
    for (const auto& t : c.tables)
      tables.push_back({{"name", t.name}, {"used", t.used}, {"capacity", t.capacity}});
    out["card"] = {{"backend", c.backend},
                   {"device", c.device},
                   {"kernel_version", c.kernel_version},
                   {"layout_version", c.layout_version},
                   {"enabled", c.enabled},
                   {"active_bank", c.active_bank},
                   {"table_version", c.table_version},
                   {"tables_loaded", c.tables_loaded},
                   {"tables", tables}};
    if (c.__isset.left_out) out["card"]["left_out"] = c.left_out;
  }
  return out;
}

json to_json(const std::vector<api::VniSummary>& vnis) {
  json out = json::array();
  for (const auto& v : vnis)
    out.push_back({{"vni", v.vni},
                   {"members", v.members},
                   {"static_members", v.static_members},
                   {"registered_members", v.registered_members},
                   {"learned_members", v.learned_members},
                   {"peer_members", v.peer_members}});
  return out;
}

json to_json(const api::Member& m) {
  json sources = json::array();
  for (auto s : m.sources) sources.push_back(source_name(s));
  json out = {{"address", m.address}, {"sources", sources}, {"age_s", m.age_s}};
  out["expires_in_s"] = m.__isset.expires_in_s ? json(m.expires_in_s) : json(nullptr);
  return out;
}

json to_json(const std::vector<api::Member>& members) {
  json out = json::array();
  for (const auto& m : members) out.push_back(to_json(m));
  return out;
}

json to_json(const api::ReplaceResult& r) {
  return {{"added", r.added}, {"removed", r.removed}, {"kept", r.kept}};
}

json to_json(const api::Counters& c) {
  json vnis = json::array();
  for (const auto& v : c.vnis)
    vnis.push_back({{"vni", v.vni},
                    {"frames_in", v.frames_in},
                    {"bytes_in", v.bytes_in},
                    {"copies_out", v.copies_out},
                    {"bytes_out", v.bytes_out},
                    {"source_not_member", v.source_not_member},
                    {"storm_policed", v.storm_policed}});
  json ports = json::array();
  for (const auto& p : c.ports)
    ports.push_back({{"name", p.name},
                     {"kernel_ifname", p.kernel_ifname},
                     {"rx_packets", p.rx_packets},
                     {"tx_packets", p.tx_packets},
                     {"rx_bytes", p.rx_bytes},
                     {"tx_bytes", p.tx_bytes},
                     {"rx_missed", p.rx_missed},
                     {"rx_ring_full", p.rx_ring_full},
                     {"rx_errors", p.rx_errors},
                     {"tx_errors", p.tx_errors}});
  return {{"since_reset_s", c.since_reset_s},
          {"rx_frames", c.rx_frames},
          {"rx_bytes", c.rx_bytes},
          {"tx_copies", c.tx_copies},
          {"tx_bytes", c.tx_bytes},
          {"host_frames", c.host_frames},
          {"drops", c.drops},
          {"vnis", vnis},
          {"ports", ports}};
}

json to_json(const std::vector<api::Peer>& peers) {
  json out = json::array();
  for (const auto& p : peers)
    out.push_back({{"node_id", p.node_id},
                   {"address", p.address},
                   {"state", p.state},
                   {"lag_ms", p.lag_ms},
                   {"last_sequence", p.last_sequence},
                   {"silent_ms", p.silent_ms},
                   {"resyncs", p.resyncs},
                   {"gaps", p.gaps}});
  return out;
}

json to_json(const api::ConfigDump& c) {
  return {{"path", c.path}, {"toml", c.toml}};
}

json to_json(const api::ReloadResult& r) {
  return {{"table_generation", r.table_generation}, {"restart_required", r.restart_required}};
}

}  // namespace vxsn::ctl
