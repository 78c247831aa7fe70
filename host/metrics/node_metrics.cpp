#include "host/metrics/node_metrics.hpp"

#include <algorithm>

#include "hls/drop_reason.hpp"
#include "host/metrics/prometheus_text.hpp"

namespace vxsn {
namespace {

using Type = PrometheusText::Type;

std::string name_of(std::string_view prefix, std::string_view name, std::string_view suffix) {
  return std::string(prefix) + std::string(name) + std::string(suffix);
}

// One unlabelled counter family per field.
void counter_families(PrometheusText& out, std::string_view prefix,
                      const std::vector<NamedCount>& counts) {
  for (const NamedCount& c : counts)
    out.counter(name_of(prefix, c.name, "_total"), c.help, c.value);
}

// One counter family whose fields are the values of one label.
void labelled_counter(PrometheusText& out, std::string_view name, std::string_view help,
                      std::string_view label, const std::vector<NamedCount>& counts) {
  out.family(name, Type::kCounter, help);
  for (const NamedCount& c : counts) out.sample({{label, c.name}}, c.value);
}

// Entities (ports, VNIs, peers) with the same fields: one family per field, a sample per
// entity, so each family's samples stay together as the format requires.
struct Entity {
  MetricLabels labels;
  std::vector<NamedCount> counts;
};

void entity_families(PrometheusText& out, std::string_view prefix,
                     const std::vector<NamedCount>& fields, const std::vector<Entity>& entities) {
  for (size_t f = 0; f < fields.size(); ++f) {
    out.family(name_of(prefix, fields[f].name, "_total"), Type::kCounter, fields[f].help);
    for (const Entity& e : entities) out.sample(e.labels, e.counts[f].value);
  }
}

void datapath(PrometheusText& out, const CountersInfo& c) {
  const DatapathCountersSnapshot& d = c.datapath;
  out.counter("vxsn_rx_frames_total", "VXLAN frames the datapath received.", d.rx_frames);
  out.counter("vxsn_rx_bytes_total", "Bytes of those frames.", d.rx_bytes);
  out.counter("vxsn_tx_copies_total", "Copies the datapath sent.", d.tx_copies);
  out.counter("vxsn_tx_bytes_total", "Bytes of those copies.", d.tx_bytes);
  out.counter("vxsn_host_frames_total", "Frames steered to the host kernel.", c.host_frames);
  out.family("vxsn_drops_total", Type::kCounter, "Frames the datapath dropped, by reason.");
  for (unsigned r = 1; r < kDropReasonCount; ++r)  // 0 is "none", never counted
    out.sample({{"reason", drop_reason_label(static_cast<DropReason>(r))}}, d.drops[r]);
}

void ports(PrometheusText& out, const std::vector<PortCountersInfo>& ports) {
  std::vector<Entity> entities;
  for (const PortCountersInfo& p : ports)
    entities.push_back({{{"port", p.name}, {"ifname", p.kernel_ifname}}, port_counts(p)});
  entity_families(out, "vxsn_port_", port_counts(PortCountersInfo{}), entities);
}

void vnis(PrometheusText& out, const std::vector<std::pair<uint32_t, VniCountersSnapshot>>& all,
          uint32_t top) {
  std::vector<const std::pair<uint32_t, VniCountersSnapshot>*> order;
  VniCountersSnapshot sum;
  for (const auto& v : all) {
    order.push_back(&v);
    for (auto [total, one] : {std::pair{&sum.frames_in, v.second.frames_in},
                              {&sum.bytes_in, v.second.bytes_in},
                              {&sum.copies_out, v.second.copies_out},
                              {&sum.bytes_out, v.second.bytes_out},
                              {&sum.source_not_member, v.second.source_not_member},
                              {&sum.storm_policed, v.second.storm_policed}})
      *total += one;
  }
  // The busiest first; equal traffic by VNI, so the listed set is stable between scrapes.
  const size_t n = std::min<size_t>(top, order.size());
  std::partial_sort(order.begin(), order.begin() + static_cast<ptrdiff_t>(n), order.end(),
                    [](auto* a, auto* b) {
                      const uint64_t ta = a->second.bytes_in + a->second.bytes_out;
                      const uint64_t tb = b->second.bytes_in + b->second.bytes_out;
                      return ta != tb ? ta > tb : a->first < b->first;
                    });
  std::vector<Entity> listed;
  for (size_t i = 0; i < n; ++i)
    listed.push_back({{{"vni", std::to_string(order[i]->first)}}, vni_counts(order[i]->second)});
  std::sort(listed.begin(), listed.end(), [](const Entity& a, const Entity& b) {
    return std::stoul(a.labels[0].second) < std::stoul(b.labels[0].second);
  });
  const std::vector<NamedCount> fields = vni_counts(VniCountersSnapshot{});
  entity_families(out, "vxsn_vni_", fields, listed);
  // Sums over every VNI with counters, listed or not (a VNI leaving the table takes its
  // share with it).
  for (const NamedCount& c : vni_counts(sum))
    out.counter(name_of("vxsn_vnis_", c.name, "_total"), c.help, c.value);
  out.gauge("vxsn_vnis_counted", "VNIs with counters (the sums cover them all).",
            static_cast<double>(all.size()));
  out.gauge("vxsn_vnis_listed", "VNIs with their own vxsn_vni_* series (metrics.top_vnis).",
            static_cast<double>(n));
}

void table(PrometheusText& out, const NodeSnapshot& s) {
  const NodeStatus& st = s.status;
  out.gauge("vxsn_table_generation", "Tables the datapath received.",
            static_cast<double>(st.table_generation));
  out.gauge("vxsn_table_vnis", "VNIs in the datapath's table.", static_cast<double>(st.vnis));
  out.gauge("vxsn_table_members", "Members in the datapath's table.",
            static_cast<double>(st.members));
  out.gauge("vxsn_table_unresolved_members", "Members without a next hop.",
            static_cast<double>(st.unresolved_members));
  out.gauge("vxsn_table_entries", "(VNI, VTEP) entries of the table manager, every source.",
            static_cast<double>(s.table_entries));
  const std::vector<NamedCount> origins = source_counts(s.status.entries_by_source);
  out.family("vxsn_table_entries_by_source", Type::kGauge, origins[0].help);
  for (const NamedCount& c : origins) out.sample({{"source", c.name}}, c.value);
  out.family("vxsn_table_limit", Type::kGauge, "The table manager's limits.");
  out.sample({{"limit", "max_vnis"}}, st.max_vnis);
  out.sample({{"limit", "max_members_per_vni"}}, st.max_members_per_vni);
  out.sample({{"limit", "max_entries"}}, st.max_entries);
}

void control(PrometheusText& out, const NodeSnapshot& s) {
  counter_families(out, "vxsn_control_", control_counts(s.control));
  labelled_counter(out, "vxsn_control_refused_total", "Table changes refused, by reason.", "reason",
                   control_refusals(s.control));
  if (s.datapath_learn)
    counter_families(out, "vxsn_datapath_learn_", datapath_learn_counts(*s.datapath_learn));
  counter_families(out, "vxsn_registration_", registration_counts(s.registration));
  out.family("vxsn_registration_malformed_total", Type::kCounter,
             "Malformed registration datagrams, by decode error.");
  for (size_t e = 1; e < kRefreshDecodeErrorCount; ++e)
    out.sample({{"error", std::string(kRefreshDecodeErrorLabels[e])}}, s.registration.malformed[e]);
  out.counter("vxsn_api_connections_refused_total",
              "API connections closed at accept (api.max_connections_per_source).",
              s.api.connections_refused);
  out.counter("vxsn_api_handshake_timeouts_total", "TLS handshakes cut off at api.idle_timeout_ms.",
              s.api.handshake_timeouts);
}

void ha(PrometheusText& out, const std::optional<HaSnapshot>& ha) {
  out.gauge("vxsn_ha_enabled", "1 when this node replicates its table with peers.", ha ? 1 : 0);
  if (!ha) return;
  counter_families(out, "vxsn_ha_", ha_counts(ha->stats));
  out.gauge("vxsn_ha_entries", "Keys the replicator holds.", static_cast<double>(ha->entries));
  static constexpr const char* kStates[] = {"unknown", "syncing", "up", "down"};
  out.family("vxsn_ha_peer_state", Type::kGauge, "1 for the peer's current state.");
  for (const PeerInfo& p : ha->peers)
    for (const char* state : kStates)
      out.sample({{"peer", p.node_id}, {"state", state}}, uint64_t{p.state == state});
  out.family("vxsn_ha_peer_lag_seconds", Type::kGauge,
             "Age of the peer's last message when it arrived.");
  for (const PeerInfo& p : ha->peers)
    out.sample({{"peer", p.node_id}}, static_cast<double>(p.lag_ms) / 1000.0);
  out.family("vxsn_ha_peer_silent_seconds", Type::kGauge,
             "Since the peer was last heard (absent: never heard).");
  for (const PeerInfo& p : ha->peers)
    if (p.silent_ms >= 0)
      out.sample({{"peer", p.node_id}}, static_cast<double>(p.silent_ms) / 1000.0);
  out.family("vxsn_ha_peer_last_sequence", Type::kGauge, "The peer's last change applied here.");
  for (const PeerInfo& p : ha->peers) out.sample({{"peer", p.node_id}}, p.last_sequence);
  std::vector<Entity> peers;
  for (const PeerInfo& p : ha->peers)
    peers.push_back({{{"peer", p.node_id}}, {{"resyncs", p.resyncs, ""}, {"gaps", p.gaps, ""}}});
  entity_families(out, "vxsn_ha_peer_",
                  {{"resyncs", 0, "Snapshots fetched from the peer."},
                   {"gaps", 0, "Sequence gaps detected in the peer's stream."}},
                  peers);
}

void card(PrometheusText& out, const NodeSnapshot& s) {
  out.gauge("vxsn_card_present", "1 when a card (real or emulated) carries the datapath.",
            s.status.card ? 1 : 0);
  if (!s.status.card) return;
  const CardInfo& c = *s.status.card;
  out.family("vxsn_card_info", Type::kGauge, "The card's backend, device and kernel.");
  out.sample({{"backend", c.backend},
              {"device", c.device},
              {"kernel", c.kernel_version},
              {"layout_version", std::to_string(c.layout_version)}},
             uint64_t{1});
  out.gauge("vxsn_card_enabled", "1 while the card forwards.", c.enabled ? 1 : 0);
  out.gauge("vxsn_card_active_bank", "The table bank the card reads (0 or 1).", c.active_bank);
  out.gauge("vxsn_card_table_version", "Version of the table in the active bank.",
            static_cast<double>(c.table_version));
  out.counter("vxsn_card_tables_loaded_total", "Tables loaded into the card.", c.tables_loaded);
  out.family("vxsn_card_left_out", Type::kGauge,
             "What the card's active table could not hold, by reason.");
  for (const auto& [reason, n] : c.left_out) out.sample({{"reason", reason}}, n);
  out.family("vxsn_card_table_used", Type::kGauge, "Entries the card's tables hold.");
  out.sample({{"table", "vnis"}}, c.vnis);
  out.sample({{"table", "members"}}, c.members);
  out.family("vxsn_card_table_capacity", Type::kGauge, "Entries the card's tables can hold.");
  out.sample({{"table", "vnis"}}, c.vni_capacity);
  out.sample({{"table", "members"}}, c.member_capacity);
  if (s.card_counts) counter_families(out, "vxsn_card_", card_only_counts(*s.card_counts));
}

}  // namespace

std::string node_metrics_text(const NodeSnapshot& s, uint32_t top_vnis,
                              std::string_view software_version) {
  PrometheusText out;
  out.family("vxsn_info", Type::kGauge, "The node: its id, datapath mode and software version.");
  out.sample({{"node", s.status.node_id},
              {"datapath", s.status.datapath_mode},
              {"version", std::string(software_version)}},
             uint64_t{1});
  out.gauge("vxsn_uptime_seconds", "Since vxsnd started.", s.status.uptime_s);
  datapath(out, s.counters);
  ports(out, s.counters.ports);
  vnis(out, s.counters.vnis, top_vnis);
  table(out, s);
  control(out, s);
  ha(out, s.ha);
  card(out, s);
  return out.take();
}

}  // namespace vxsn
