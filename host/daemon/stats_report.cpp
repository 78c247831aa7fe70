#include "host/daemon/stats_report.hpp"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <fstream>

namespace vxsn {
namespace {

using nlohmann::json;

json object_of(const std::vector<NamedCount>& counts) {
  json j = json::object();
  for (const NamedCount& c : counts) j[c.name] = c.value;
  return j;
}

json card_json(const CardInfo& st, const CardOnlyCounts& c) {
  json j = {{"backend", st.backend},
            {"device", st.device},
            {"kernel", st.kernel_version},
            {"layout_version", st.layout_version},
            {"enabled", st.enabled},
            {"active_bank", st.active_bank},
            {"table_version", st.table_version},
            {"tables_loaded", st.tables_loaded},
            {"vnis", st.vnis},
            {"vni_capacity", st.vni_capacity},
            {"members", st.members},
            {"member_capacity", st.member_capacity}};
  j.update(object_of(card_only_counts(c)));
  json left_out = json::object();
  for (const auto& [reason, n] : st.left_out) left_out[reason] = n;
  j["left_out"] = left_out;
  if (!st.run_mode.empty()) j["run_mode"] = st.run_mode;
  return j;
}

json control_json(const NodeSnapshot& s) {
  json j = object_of(control_counts(s.control));
  j["entries"] = s.table_entries;
  j["vnis"] = s.table_vnis;
  j["by_source"] = object_of(source_counts(s.status.entries_by_source));
  j["refused"] = object_of(control_refusals(s.control));
  if (s.datapath_learn) j["datapath_learn"] = object_of(datapath_learn_counts(*s.datapath_learn));
  return j;
}

json registration_json(const RegistrationCounters& r) {
  json j = object_of(registration_counts(r));
  json malformed = json::object();
  for (size_t e = 1; e < kRefreshDecodeErrorCount; ++e)
    malformed[std::string(kRefreshDecodeErrorLabels[e])] = r.malformed[e];
  j["malformed"] = malformed;
  return j;
}

json ha_json(const HaSnapshot& ha) {
  json peers = json::array();
  for (const PeerInfo& p : ha.peers)
    peers.push_back({{"name", p.node_id},
                     {"state", p.state},
                     {"last_seq", p.last_sequence},
                     {"advertised_seq", p.advertised_sequence},
                     {"lag_ms", p.lag_ms},
                     {"silent_ms", p.silent_ms},
                     {"resyncs", p.resyncs},
                     {"gaps", p.gaps}});
  json j = object_of(ha_counts(ha.stats));
  j["node_id"] = ha.node_id;
  j["entries"] = ha.entries;
  j["last_snapshot_entries"] = ha.stats.last_snapshot_entries;
  j["last_snapshot_bytes"] = ha.stats.last_snapshot_bytes;
  j["last_snapshot_total_ms"] = ha.stats.last_snapshot_total_ms;
  j["peers"] = peers;
  return j;
}

}  // namespace

json stats_json(const NodeSnapshot& s) {
  const DatapathCountersSnapshot& dp = s.counters.datapath;
  json drops = json::object();
  for (unsigned r = 1; r < kDropReasonCount; ++r)
    drops[drop_reason_label(static_cast<DropReason>(r))] = dp.drops[r];

  json vnis = json::object();
  for (const auto& [vni, c] : s.counters.vnis) vnis[std::to_string(vni)] = object_of(vni_counts(c));

  json ports = json::array();
  for (const PortCountersInfo& p : s.counters.ports) {
    json port = {{"name", p.name},
                 {"kernel_ifname", p.kernel_ifname},
                 {"mac", p.mac},
                 {"max_frame_len", p.max_frame_len}};
    port.update(object_of(port_counts(p)));
    ports.push_back(port);
  }

  json out = {{"node", s.status.node_id},
              {"uptime_s", s.status.uptime_s},
              {"datapath", s.status.datapath_mode},
              {"rx_frames", dp.rx_frames},
              {"host_frames", s.counters.host_frames},
              {"rx_bytes", dp.rx_bytes},
              {"tx_copies", dp.tx_copies},
              {"tx_bytes", dp.tx_bytes},
              {"drops", drops},
              {"vnis", vnis},
              {"ports", ports},
              {"table",
               {{"generation", s.status.table_generation},
                {"vnis", s.status.vnis},
                {"members", s.status.members},
                {"unresolved", s.status.unresolved_members}}},
              {"control", control_json(s)},
              {"registration", registration_json(s.registration)},
              {"api",
               {{"connections_refused", s.api.connections_refused},
                {"handshake_timeouts", s.api.handshake_timeouts}}}};
  if (s.status.card)
    out["card"] = card_json(*s.status.card, s.card_counts.value_or(CardOnlyCounts{}));
  if (s.ha) out["ha"] = ha_json(*s.ha);
  if (!s.lcores.empty()) {
    json lcores = json::array();
    for (const LcoreCounts& l : s.lcores)
      lcores.push_back({{"lcore", l.lcore},
                        {"rx_frames", l.rx_frames},
                        {"tx_copies", l.tx_copies},
                        {"host_frames", l.host_frames},
                        {"turns", l.turns}});
    out["lcores"] = lcores;
  }
  if (s.kernel_paths)
    out["kernel_path"] = {{"to_kernel", s.kernel_paths->to_kernel},
                          {"from_kernel", s.kernel_paths->from_kernel},
                          {"dropped", s.kernel_paths->dropped}};
  return out;
}

bool replace_file_atomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) return false;
    out << text;
    if (!out.flush()) return false;
  }
  return std::rename(tmp.c_str(), path.c_str()) == 0;
}

bool write_stats_file(const std::string& path, const nlohmann::json& stats) {
  if (replace_file_atomically(path, stats.dump(2) + '\n')) return true;
  spdlog::warn("stats: cannot write {}", path);
  return false;
}

}  // namespace vxsn
