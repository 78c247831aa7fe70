#include "host/daemon/stats_report.hpp"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <fstream>

namespace vxsn {

nlohmann::json stats_json(const StatsSources& s) {
  using nlohmann::json;
  const DatapathCountersSnapshot& dp = s.datapath;
  json drops = json::object();
  for (unsigned r = 1; r < kDropReasonCount; ++r)
    drops[drop_reason_label(static_cast<DropReason>(r))] = dp.drops[r];

  json vnis = json::object();
  for (const auto& [vni, c] : s.vnis) {
    vnis[std::to_string(vni)] = {{"frames_in", c.frames_in},
                                 {"bytes_in", c.bytes_in},
                                 {"copies_out", c.copies_out},
                                 {"bytes_out", c.bytes_out},
                                 {"source_not_member", c.source_not_member},
                                 {"storm_policed", c.storm_policed}};
  }

  json ports = json::array();
  for (DpdkPort* p : s.ports) {
    DpdkPort::Stats st = p->stats();
    ports.push_back({{"name", p->name()},
                     {"kernel_ifname", p->kernel_ifname()},
                     {"mac", p->mac().to_string()},
                     {"max_frame_len", p->max_frame_len()},
                     {"rx_packets", st.ipackets},
                     {"tx_packets", st.opackets},
                     {"rx_bytes", st.ibytes},
                     {"tx_bytes", st.obytes},
                     {"rx_missed", st.imissed},
                     {"rx_errors", st.ierrors},
                     {"tx_errors", st.oerrors}});
  }

  json out = {{"node", s.node_id},
              {"uptime_s", s.uptime_s},
              {"datapath", s.datapath_mode},
              {"rx_frames", dp.rx_frames},
              {"host_frames", s.host_frames},
              {"rx_bytes", dp.rx_bytes},
              {"tx_copies", dp.tx_copies},
              {"tx_bytes", dp.tx_bytes},
              {"drops", drops},
              {"vnis", vnis},
              {"ports", ports},
              {"table",
               {{"generation", s.table_generation},
                {"vnis", s.table.vnis},
                {"members", s.table.members},
                {"unresolved", s.table.unresolved}}}};
  if (!s.card.is_null()) out["card"] = s.card;
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
