#include "host/ctl/commands.hpp"

#include <ostream>

#include "host/ctl/api_json.hpp"
#include "host/ctl/text_table.hpp"

namespace vxsn::ctl {
namespace {

std::string num(int64_t v) {
  return std::to_string(v);
}

void print_json(Output& o, const nlohmann::json& j) {
  o.out << j.dump(2) << '\n';
}

std::string sources_text(const api::Member& m) {
  std::string s;
  for (auto src : m.sources) s += (s.empty() ? "" : ",") + std::string(source_name(src));
  return s;
}

}  // namespace

std::string entries_text(const api::NodeInfo& i) {
  if (!i.__isset.sources) return "unknown (vxsnd before API 1.3)";
  const api::TableSources& s = i.sources;
  return num(s.static_entries) + " static, " + num(s.registered) + " registered, " +
         num(s.learned) + " learned, " + num(s.peer) + " peer";
}

void show_status(ApiClient& c, Output& o) {
  api::NodeInfo i;
  c->getInfo(i);
  if (o.json) return print_json(o, to_json(i));
  std::string service;
  for (const auto& a : i.service_addresses) service += (service.empty() ? "" : ", ") + a;
  o.out << "node        " << i.node_id << '\n'
        << "version     " << i.software_version << " (API " << i.api_version_major << '.'
        << i.api_version_minor << ")\n"
        << "datapath    " << i.datapath_mode << '\n'
        << "uptime      " << human_duration(i.uptime_s) << '\n'
        << "service     " << service << " (VXLAN port " << i.vxlan_port << ")\n"
        << "table       generation " << i.table_generation << ": " << i.vnis << " VNIs, "
        << i.members << " members, " << i.unresolved_members << " without next hop\n"
        << "entries     " << entries_text(i) << '\n'
        << "limits      " << i.limits.max_vnis << " VNIs, " << i.limits.max_members_per_vni
        << " members per VNI, " << i.limits.max_entries << " entries\n";
  if (i.__isset.api)
    o.out << "api         " << i.api.connections_refused << " connections refused, "
          << i.api.handshake_timeouts << " TLS handshakes timed out\n";
  if (i.__isset.card) {
    const api::CardStatus& card = i.card;
    o.out << "card        " << card.backend << " " << card.device << ", kernel "
          << card.kernel_version << ", layout " << card.layout_version << ", "
          << (card.enabled ? "enabled" : "disabled") << '\n'
          << "card table  bank " << card.active_bank << ", version " << card.table_version << ", "
          << card.tables_loaded << " loads\n";
    for (const auto& occ : card.tables)
      o.out << "  " << occ.name << std::string(occ.name.size() < 10 ? 10 - occ.name.size() : 1, ' ')
            << occ.used << " / " << occ.capacity << '\n';
    std::string left_out;
    for (const auto& [reason, n] : card.left_out)
      if (n != 0) left_out += (left_out.empty() ? "" : ", ") + reason + " " + std::to_string(n);
    if (!left_out.empty()) o.out << "  left out  " << left_out << " (the card holds the rest)\n";
  }
}

void list_vnis(ApiClient& c, Output& o, int32_t after, int32_t limit) {
  std::vector<api::VniSummary> all;
  api::VniPage page;
  const bool one_page = limit > 0;
  do {
    page = api::VniPage{};
    c->listVnis(page, after, one_page ? limit : 1000);
    all.insert(all.end(), page.vnis.begin(), page.vnis.end());
    if (!page.vnis.empty()) after = page.vnis.back().vni;
  } while (page.more && !one_page && !page.vnis.empty());
  if (o.json) return print_json(o, to_json(all));
  TextTable t({"VNI", "MEMBERS", "STATIC", "REGISTERED", "LEARNED", "PEER"});
  for (const auto& v : all)
    t.add_row({num(v.vni), num(v.members), num(v.static_members), num(v.registered_members),
               num(v.learned_members), num(v.peer_members)});
  t.print(o.out);
  if (one_page && page.more) o.out << "(more: --after " << after << ")\n";
}

void list_members(ApiClient& c, Output& o, int32_t vni) {
  std::vector<api::Member> members;
  c->listMembers(members, vni);
  if (o.json) return print_json(o, to_json(members));
  TextTable t({"ADDRESS", "SOURCES", "AGE", "EXPIRES"});
  for (const auto& m : members)
    t.add_row(
        {m.address, sources_text(m), human_duration(static_cast<double>(m.age_s)),
         m.__isset.expires_in_s ? human_duration(static_cast<double>(m.expires_in_s)) : "never"});
  t.print(o.out);
}

void add_members(ApiClient& c, Output& o, int32_t vni, const std::vector<std::string>& addresses) {
  std::vector<api::Member> added(1);
  if (addresses.size() == 1)
    c->addMember(added[0], vni, addresses[0]);
  else
    c->addMembers(added, vni, addresses);
  if (o.json) {
    if (addresses.size() == 1) return print_json(o, to_json(added[0]));
    nlohmann::json all = nlohmann::json::array();
    for (const api::Member& m : added) all.push_back(to_json(m));
    return print_json(o, all);
  }
  for (const api::Member& m : added)
    o.out << "VNI " << vni << ": " << m.address << " is a member (" << sources_text(m) << ")\n";
}

void remove_member(ApiClient& c, Output& o, int32_t vni, const std::string& address) {
  c->removeMember(vni, address);
  if (o.json) return print_json(o, {{"vni", vni}, {"removed", address}});
  o.out << "VNI " << vni << ": " << address << " removed\n";
}

void flush_learned(ApiClient& c, Output& o, int32_t vni) {
  const int32_t n = c->flushLearned(vni);
  if (o.json) return print_json(o, {{"vni", vni}, {"flushed", n}});
  o.out << "VNI " << vni << ": " << n << " learned entries flushed\n";
}

void set_storm_control(ApiClient& c, Output& o, const api::StormLimit& limit) {
  c->setStormControl(limit);
  const int64_t frames_per_s = limit.frames_per_s, bytes_per_s = limit.bytes_per_s;
  if (o.json)
    return print_json(o, {{"first_vni", limit.first_vni},
                          {"last_vni", limit.last_vni},
                          {"frames_per_s", frames_per_s},
                          {"bytes_per_s", bytes_per_s}});
  o.out << "VNIs " << limit.first_vni << "-" << limit.last_vni << ": policed at "
        << (frames_per_s ? std::to_string(frames_per_s) + " frames/s" : "any frames/s") << ", "
        << (bytes_per_s ? std::to_string(bytes_per_s) + " bytes/s" : "any bytes/s") << "\n";
}

void replace_static(ApiClient& c, Output& o, int32_t vni,
                    const std::vector<std::string>& addresses) {
  api::ReplaceResult r;
  c->replaceStaticMembers(r, vni, addresses);
  if (o.json) return print_json(o, to_json(r));
  o.out << "VNI " << vni << ": static members replaced: " << r.added << " added, " << r.removed
        << " removed, " << r.kept << " kept\n";
}

void show_counters(ApiClient& c, Output& o, bool reset) {
  api::Counters k;
  if (reset)
    c->resetCounters(k);
  else
    c->getCounters(k);
  if (o.json) return print_json(o, to_json(k));
  o.out << (reset ? "counters until this reset (now zero), over " : "counters over the last ")
        << human_duration(k.since_reset_s) << '\n'
        << "rx     " << k.rx_frames << " frames, " << k.rx_bytes << " bytes\n"
        << "tx     " << k.tx_copies << " copies, " << k.tx_bytes << " bytes\n"
        << "host   " << k.host_frames << " frames passed to the kernel\n";
  TextTable drops({"DROP REASON", "COUNT"});
  for (const auto& [reason, count] : k.drops)
    if (count) drops.add_row({reason, num(count)});
  if (drops.rows()) {
    o.out << '\n';
    drops.print(o.out);
  } else {
    o.out << "drops  none\n";
  }
  if (!k.vnis.empty()) {
    TextTable vnis(
        {"VNI", "FRAMES IN", "BYTES IN", "COPIES OUT", "BYTES OUT", "NOT MEMBER", "POLICED"});
    for (const auto& v : k.vnis)
      vnis.add_row({num(v.vni), num(v.frames_in), num(v.bytes_in), num(v.copies_out),
                    num(v.bytes_out), num(v.source_not_member), num(v.storm_policed)});
    o.out << '\n';
    vnis.print(o.out);
  }
  if (!k.ports.empty()) {
    TextTable ports({"PORT", "INTERFACE", "RX PKTS", "TX PKTS", "RX MISSED", "RX RING FULL",
                     "RX ERR", "TX ERR"});
    for (const auto& p : k.ports)
      ports.add_row({p.name, p.kernel_ifname, num(p.rx_packets), num(p.tx_packets),
                     num(p.rx_missed), num(p.rx_ring_full), num(p.rx_errors), num(p.tx_errors)});
    o.out << '\n';
    ports.print(o.out);
  }
}

void list_peers(ApiClient& c, Output& o) {
  std::vector<api::Peer> peers;
  c->listPeers(peers);
  if (o.json) return print_json(o, to_json(peers));
  if (peers.empty()) {
    o.out << "no peers\n";
    return;
  }
  TextTable t({"NODE", "ADDRESS", "STATE", "LAG MS", "LAST SEQ", "SILENT MS", "RESYNCS", "GAPS"});
  for (const auto& p : peers)
    t.add_row({p.node_id, p.address, p.state, num(p.lag_ms), num(p.last_sequence),
               p.silent_ms < 0 ? "-" : num(p.silent_ms), num(p.resyncs), num(p.gaps)});
  t.print(o.out);
}

void show_config(ApiClient& c, Output& o) {
  api::ConfigDump d;
  c->getConfig(d);
  if (o.json) return print_json(o, to_json(d));
  o.out << "# running configuration (file: " << d.path << ")\n" << d.toml;
}

void reload_config(ApiClient& c, Output& o) {
  api::ReloadResult r;
  c->reloadConfig(r);
  if (o.json) return print_json(o, to_json(r));
  o.out << "reloaded: table generation " << r.table_generation << '\n';
  for (const auto& key : r.restart_required)
    o.out << "note: " << key << " changed in the file; it takes effect on restart\n";
}

}  // namespace vxsn::ctl
