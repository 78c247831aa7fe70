#include "host/ctl/top_frame.hpp"

#include <algorithm>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "host/ctl/api_json.hpp"
#include "host/ctl/commands.hpp"
#include "host/ctl/text_table.hpp"

namespace vxsn::ctl {
namespace {

// A counter that went down was reset (resetCounters by someone else, a VNI that left and
// came back): its rate over this interval is unknown, shown as 0 rather than negative.
double rate(int64_t before, int64_t after, double interval_s) {
  return after > before && interval_s > 0 ? static_cast<double>(after - before) / interval_s : 0;
}

std::string fixed(double v) {
  return fmt::format("{:.1f}", v);
}

// "12.3 MB/s" style for bytes; decimal units like the rest of networking.
std::string bytes_per_s(double v) {
  static constexpr const char* kUnits[] = {"B", "kB", "MB", "GB", "TB"};
  size_t u = 0;
  while (v >= 1000 && u + 1 < std::size(kUnits)) {
    v /= 1000;
    ++u;
  }
  return fmt::format("{:.1f} {}/s", v, kUnits[u]);
}

}  // namespace

TopFrame top_frame(const TopReading& before, const TopReading& after, size_t top_n) {
  TopFrame f;
  const api::Counters &a = before.counters, &b = after.counters;
  // The server's clock between the two reads; the client's if the counters were reset.
  f.interval_s = b.since_reset_s > a.since_reset_s ? b.since_reset_s - a.since_reset_s
                                                   : after.client_s - before.client_s;
  const double t = f.interval_s;
  f.rx_frames = rate(a.rx_frames, b.rx_frames, t);
  f.rx_bytes = rate(a.rx_bytes, b.rx_bytes, t);
  f.tx_copies = rate(a.tx_copies, b.tx_copies, t);
  f.tx_bytes = rate(a.tx_bytes, b.tx_bytes, t);
  f.host_frames = rate(a.host_frames, b.host_frames, t);

  std::map<int32_t, const api::VniCounters*> old;
  for (const api::VniCounters& v : a.vnis) old[v.vni] = &v;
  const api::VniCounters zero;
  for (const api::VniCounters& v : b.vnis) {
    const api::VniCounters& o = old.count(v.vni) ? *old[v.vni] : zero;
    f.vnis.push_back(
        {v.vni, rate(o.frames_in, v.frames_in, t), rate(o.bytes_in, v.bytes_in, t),
         rate(o.copies_out, v.copies_out, t), rate(o.bytes_out, v.bytes_out, t),
         rate(o.source_not_member + o.storm_policed, v.source_not_member + v.storm_policed, t)});
  }
  f.vnis_with_counters = f.vnis.size();
  std::stable_sort(f.vnis.begin(), f.vnis.end(), [](const VniRate& x, const VniRate& y) {
    return x.bytes_in + x.bytes_out > y.bytes_in + y.bytes_out;
  });
  if (f.vnis.size() > top_n) f.vnis.resize(top_n);

  for (const auto& [reason, total] : b.drops) {
    if (total == 0) continue;
    const auto o = a.drops.find(reason);
    f.drops.push_back({reason, rate(o == a.drops.end() ? 0 : o->second, total, t), total});
  }
  std::stable_sort(f.drops.begin(), f.drops.end(),
                   [](const DropRate& x, const DropRate& y) { return x.per_s > y.per_s; });
  f.info = after.info;
  f.peers = after.peers;
  return f;
}

std::string top_text(const TopFrame& f) {
  std::ostringstream out;
  const api::NodeInfo& i = f.info;
  out << "vxsn top  " << i.node_id << " (" << i.datapath_mode << "), up "
      << human_duration(i.uptime_s) << ", rates over " << fixed(f.interval_s) << " s\n"
      << "rx     " << fixed(f.rx_frames) << " frames/s, " << bytes_per_s(f.rx_bytes) << '\n'
      << "tx     " << fixed(f.tx_copies) << " copies/s, " << bytes_per_s(f.tx_bytes) << '\n'
      << "host   " << fixed(f.host_frames) << " frames/s to the kernel\n"
      << "table  " << i.vnis << " VNIs (max " << i.limits.max_vnis << "), " << i.members
      << " members, " << i.unresolved_members << " without next hop, generation "
      << i.table_generation << '\n'
      << "       entries " << entries_text(i) << '\n';
  if (i.__isset.card)
    for (const api::TableOccupancy& occ : i.card.tables)
      out << "card   " << occ.name << ' ' << occ.used << " / " << occ.capacity << '\n';

  out << '\n';
  TextTable vnis({"VNI", "COPIES/S", "BYTES OUT/S", "FRAMES IN/S", "BYTES IN/S", "DROPPED/S"});
  for (const VniRate& v : f.vnis)
    vnis.add_row({std::to_string(v.vni), fixed(v.copies_out), fixed(v.bytes_out),
                  fixed(v.frames_in), fixed(v.bytes_in), fixed(v.dropped)});
  vnis.print(out);
  if (f.vnis_with_counters > f.vnis.size())
    out << "(" << f.vnis_with_counters - f.vnis.size() << " quieter VNIs not shown)\n";

  out << '\n';
  if (f.drops.empty()) {
    out << "drops  none\n";
  } else {
    TextTable drops({"DROP REASON", "PER S", "TOTAL"});
    for (const DropRate& d : f.drops)
      drops.add_row({d.reason, fixed(d.per_s), std::to_string(d.total)});
    drops.print(out);
  }

  out << '\n';
  if (f.peers.empty()) {
    out << "peers  none (no HA)\n";
  } else {
    TextTable peers({"PEER", "STATE", "LAG MS", "SILENT MS", "SEQUENCE"});
    for (const api::Peer& p : f.peers)
      peers.add_row({p.node_id, p.state, std::to_string(p.lag_ms), std::to_string(p.silent_ms),
                     std::to_string(p.last_sequence)});
    peers.print(out);
  }
  return out.str();
}

nlohmann::json top_json(const TopFrame& f) {
  using nlohmann::json;
  json vnis = json::array();
  for (const VniRate& v : f.vnis)
    vnis.push_back({{"vni", v.vni},
                    {"frames_in_per_s", v.frames_in},
                    {"bytes_in_per_s", v.bytes_in},
                    {"copies_out_per_s", v.copies_out},
                    {"bytes_out_per_s", v.bytes_out},
                    {"dropped_per_s", v.dropped}});
  json drops = json::object();
  for (const DropRate& d : f.drops) drops[d.reason] = {{"per_s", d.per_s}, {"total", d.total}};
  const api::NodeInfo& i = f.info;
  return {{"node_id", i.node_id},
          {"interval_s", f.interval_s},
          {"rx_frames_per_s", f.rx_frames},
          {"rx_bytes_per_s", f.rx_bytes},
          {"tx_copies_per_s", f.tx_copies},
          {"tx_bytes_per_s", f.tx_bytes},
          {"host_frames_per_s", f.host_frames},
          {"vnis", vnis},
          {"vnis_with_counters", f.vnis_with_counters},
          {"drops", drops},
          {"table",
           {{"generation", i.table_generation},
            {"vnis", i.vnis},
            {"members", i.members},
            {"unresolved_members", i.unresolved_members},
            {"sources", to_json(i).value("sources", json::object())},
            {"max_vnis", i.limits.max_vnis},
            {"max_entries", i.limits.max_entries}}},
          {"peers", to_json(f.peers)}};  // as `vxsnctl --json peers` prints them
}

}  // namespace vxsn::ctl
