// The Prometheus rendering of a node snapshot, read back by a strict parser: every line
// valid, label values escaped, only the busiest VNIs listed while the sums cover all, every
// drop reason present, HA peers and the card shown.
#include <gtest/gtest.h>

#include "hls/drop_reason.hpp"
#include "host/metrics/node_metrics.hpp"
#include "host/metrics/prometheus_text.hpp"
#include "tests/metrics/prometheus_parser.hpp"

namespace vxsn::test {
namespace {

NodeSnapshot sample_snapshot() {
  NodeSnapshot s;
  s.status.node_id = "sn\"1\\\nx";  // every character a label value must escape
  s.status.datapath_mode = "emu";
  s.status.uptime_s = 12.5;
  s.status.vnis = 5;
  s.status.members = 9;
  s.status.max_vnis = 65536;
  s.status.entries_by_source = EntriesBySource{4, 3, 2, 1};
  s.counters.datapath.rx_frames = 1000;
  s.counters.datapath.tx_copies = 2000;
  s.counters.datapath.drops[static_cast<unsigned>(DropReason::kUnknownVni)] = 7;
  // VNI 10..50: traffic grows with the VNI, except 30 which is the busiest.
  for (uint32_t vni : {10u, 20u, 30u, 40u, 50u}) {
    VniCountersSnapshot c;
    c.frames_in = vni;
    c.bytes_in = vni * 100;
    c.copies_out = vni * 2;
    c.bytes_out = vni == 30 ? 1'000'000 : vni * 200;
    s.counters.vnis.emplace_back(vni, c);
  }
  s.counters.ports.push_back(
      PortCountersInfo{"net_af_xdp0,iface=sn0", "sn0", 5, 6, 500, 600, 0, 0, 0, 0, "", 9216});
  s.registration.malformed[1] = 3;
  HaSnapshot ha;
  ha.node_id = "sn1";
  ha.stats.published = 4;
  PeerInfo up;
  up.node_id = "sn2";
  up.state = "up";
  up.lag_ms = 1500;
  up.silent_ms = 20;
  up.gaps = 2;
  PeerInfo never;
  never.node_id = "sn3";
  never.state = "unknown";
  ha.peers = {up, never};
  s.ha = ha;
  s.status.card = CardInfo{"emu", "emu0", "1.0", 3, true, 1, 42, 7, 5, 4096, 9, 65536};
  s.status.card->left_out = {{"vnis_no_slot", 2}, {"vnis_no_member_room", 0}};
  s.card_counts = CardOnlyCounts{1, 2, 3, 4, 5, 6, 7};
  return s;
}

PromExposition parsed(const std::string& text) {
  PromParseResult r = parse_prometheus_text(text);
  EXPECT_TRUE(r.ok()) << r.error;
  return r.exposition;
}

TEST(MetricsFormat, EveryLineParsesAndLabelValuesAreEscaped) {
  const std::string text = node_metrics_text(sample_snapshot(), 100, "0.1.0");
  EXPECT_NE(text.find(R"(node="sn\"1\\\nx")"), std::string::npos) << text.substr(0, 300);
  PromExposition e = parsed(text);
  EXPECT_GT(e.lines, 100u);
  EXPECT_EQ(
      e.value("vxsn_info", {{"node", "sn\"1\\\nx"}, {"datapath", "emu"}, {"version", "0.1.0"}}),
      1.0);
  EXPECT_EQ(e.value("vxsn_uptime_seconds"), 12.5);
  EXPECT_EQ(e.value("vxsn_tx_copies_total"), 2000.0);
  EXPECT_EQ(e.families.at("vxsn_tx_copies_total").type, "counter");
  EXPECT_EQ(e.families.at("vxsn_table_vnis").type, "gauge");
  EXPECT_EQ(e.value("vxsn_table_entries_by_source", {{"source", "static"}}), 4.0);
  EXPECT_EQ(e.value("vxsn_table_entries_by_source", {{"source", "peer"}}), 1.0);
  EXPECT_EQ(
      e.value("vxsn_port_rx_bytes_total", {{"port", "net_af_xdp0,iface=sn0"}, {"ifname", "sn0"}}),
      500.0);
}

TEST(MetricsFormat, EveryDropReasonHasASeries) {
  PromExposition e = parsed(node_metrics_text(sample_snapshot(), 100, "0.1.0"));
  EXPECT_EQ(e.families.at("vxsn_drops_total").samples.size(), kDropReasonCount - 1);
  EXPECT_EQ(e.value("vxsn_drops_total", {{"reason", "unknown_vni"}}), 7.0);
  EXPECT_EQ(e.value("vxsn_drops_total", {{"reason", "ttl_expired"}}), 0.0);
}

TEST(MetricsFormat, OnlyTheBusiestVnisAreListedAndTheSumsCoverAll) {
  PromExposition e = parsed(node_metrics_text(sample_snapshot(), 2, "0.1.0"));
  const auto& listed = e.families.at("vxsn_vni_bytes_out_total").samples;
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].labels.at("vni"), "30");  // by bytes in + out, then listed by VNI
  EXPECT_EQ(listed[1].labels.at("vni"), "50");
  EXPECT_FALSE(e.value("vxsn_vni_frames_in_total", {{"vni", "10"}}));
  EXPECT_EQ(e.value("vxsn_vnis_frames_in_total"), 10.0 + 20 + 30 + 40 + 50);
  EXPECT_EQ(e.value("vxsn_vnis_counted"), 5.0);
  EXPECT_EQ(e.value("vxsn_vnis_listed"), 2.0);
  // top_vnis = 0: sums only, and the families stay (with HELP and TYPE) for dashboards.
  PromExposition none = parsed(node_metrics_text(sample_snapshot(), 0, "0.1.0"));
  EXPECT_TRUE(none.families.at("vxsn_vni_frames_in_total").samples.empty());
  EXPECT_EQ(none.value("vxsn_vnis_copies_out_total"), 2.0 * (10 + 20 + 30 + 40 + 50));
}

TEST(MetricsFormat, PeersWithStateAndLag) {
  PromExposition e = parsed(node_metrics_text(sample_snapshot(), 100, "0.1.0"));
  EXPECT_EQ(e.value("vxsn_ha_enabled"), 1.0);
  EXPECT_EQ(e.value("vxsn_ha_peer_state", {{"peer", "sn2"}, {"state", "up"}}), 1.0);
  EXPECT_EQ(e.value("vxsn_ha_peer_state", {{"peer", "sn2"}, {"state", "down"}}), 0.0);
  EXPECT_EQ(e.value("vxsn_ha_peer_state", {{"peer", "sn3"}, {"state", "unknown"}}), 1.0);
  EXPECT_EQ(e.value("vxsn_ha_peer_lag_seconds", {{"peer", "sn2"}}), 1.5);
  EXPECT_EQ(e.value("vxsn_ha_peer_silent_seconds", {{"peer", "sn2"}}), 0.02);
  EXPECT_FALSE(e.value("vxsn_ha_peer_silent_seconds", {{"peer", "sn3"}})) << "never heard";
  EXPECT_EQ(e.value("vxsn_ha_peer_gaps_total", {{"peer", "sn2"}}), 2.0);
  EXPECT_EQ(e.value("vxsn_ha_published_total"), 4.0);
}

TEST(MetricsFormat, CardStatusAndOccupancy) {
  PromExposition e = parsed(node_metrics_text(sample_snapshot(), 100, "0.1.0"));
  EXPECT_EQ(e.value("vxsn_card_present"), 1.0);
  EXPECT_EQ(e.value("vxsn_card_active_bank"), 1.0);
  EXPECT_EQ(e.value("vxsn_card_table_used", {{"table", "members"}}), 9.0);
  EXPECT_EQ(e.value("vxsn_card_table_capacity", {{"table", "vnis"}}), 4096.0);
  EXPECT_EQ(e.value("vxsn_card_rx_oversize_total"), 5.0);
  EXPECT_EQ(e.value("vxsn_card_punted_total"), 6.0);
  EXPECT_EQ(e.value("vxsn_card_punt_ring_full_total"), 7.0);
  EXPECT_EQ(e.value("vxsn_card_left_out", {{"reason", "vnis_no_slot"}}), 2.0);
}

TEST(MetricsFormat, WithoutHaOrCardTheirFamiliesAreLeftOut) {
  NodeSnapshot s = sample_snapshot();
  s.ha.reset();
  s.status.card.reset();
  s.card_counts.reset();
  PromExposition e = parsed(node_metrics_text(s, 100, "0.1.0"));
  EXPECT_EQ(e.value("vxsn_ha_enabled"), 0.0);
  EXPECT_EQ(e.value("vxsn_card_present"), 0.0);
  EXPECT_FALSE(e.families.count("vxsn_ha_peer_state"));
  EXPECT_FALSE(e.families.count("vxsn_card_info"));
}

TEST(PrometheusText, EscapesAndRefusesBadNames) {
  EXPECT_EQ(escape_label_value("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
  EXPECT_EQ(escape_help("a\\b\"c\nd"), "a\\\\b\"c\\nd");  // quotes stay in HELP
  PrometheusText t;
  EXPECT_THROW(t.family("vxsn-bad", PrometheusText::Type::kGauge, "x"), std::logic_error);
  t.family("vxsn_ok", PrometheusText::Type::kGauge, "x");
  EXPECT_THROW(t.sample({{"bad-label", "v"}}, uint64_t{1}), std::logic_error);
}

// The parser must be able to fail, or the tests above prove nothing.
TEST(PrometheusParser, RefusesMalformedExpositions) {
  const char* bad[] = {
      "x 1\n",                                                   // no HELP/TYPE
      "# HELP x h\n# TYPE x gauge\nx{a=\"1} 1\n",                // unterminated value
      "# HELP x h\n# TYPE x gauge\nx{a=\"\\q\"} 1\n",            // bad escape
      "# HELP x h\n# TYPE x gauge\nx one\n",                     // bad value
      "# HELP x_total h\n# TYPE x_total counter\nx_total -1\n",  // negative counter
      "# HELP x h\n# TYPE x counter\nx 1\n",                     // counter without _total
      "# HELP x h\n# TYPE x gauge\nx 1\nx 2\n",                  // series twice
      "# HELP x h\n# TYPE x gauge\nx 1\n# HELP y h\n# TYPE y gauge\ny 1\n# TYPE x gauge\n",
      "# HELP x h\n# TYPE x gauge\nx 1",  // no final line feed
  };
  for (const char* text : bad) EXPECT_FALSE(parse_prometheus_text(text).ok()) << text;
  EXPECT_TRUE(parse_prometheus_text("# HELP x h\n# TYPE x gauge\nx{a=\"\\\"\"} 1 123\n").ok());
}

}  // namespace
}  // namespace vxsn::test
