// vxsnd's Prometheus endpoint on the testbed (kernel VTEPs in namespaces): scraped over a
// plain HTTP socket, every line read by a strict text-format parser, and the values follow
// tenant traffic and an API change. Off unless configured.
#include <gtest/gtest.h>

#include "tests/integration/testbed.hpp"
#include "tests/metrics/http_get.hpp"
#include "tests/metrics/prometheus_parser.hpp"

namespace vxsn::test {
namespace {

using namespace std::chrono_literals;

constexpr uint16_t kMetricsPort = 9464;

class MetricsEndToEnd : public ::testing::Test {
 protected:
  void start(const std::string& extra_config) {
    NodeOptions o;
    o.extra_config = extra_config;
    node_ = std::make_unique<Node>(tb_, o);
    ASSERT_TRUE(node_->wait_ready()) << node_->process().log();
  }
  HttpResponse request(const std::string& method, const std::string& path) {
    return http_request(tb_.node_ns(), "127.0.0.1", kMetricsPort, method, path);
  }
  // One scrape, every line parsed; fails the test on the first bad line.
  PromExposition scrape() {
    HttpResponse r = request("GET", "/metrics");
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.headers["content-type"], "text/plain; version=0.0.4; charset=utf-8");
    PromParseResult p = parse_prometheus_text(r.body);
    EXPECT_TRUE(p.ok()) << p.error;
    return p.exposition;
  }
  std::vector<Tenant> tenants(uint32_t vni) const { return tb_.tenants_of(vni); }
  CommandResult ctl(const std::string& args) {
    return run(binary("host/ctl/vxsnctl") + " --socket " + node_->dir() + "/vxsnd.sock " + args);
  }

  Testbed tb_;
  std::unique_ptr<Node> node_;
};

TEST_F(MetricsEndToEnd, ScrapeParsesAndFollowsTrafficAndTheApi) {
  start("[metrics]\nlisten = " + std::to_string(kMetricsPort) + "\ntop_vnis = 1\n");
  const uint32_t vni_a = tb_.vnis()[0], vni_b = tb_.vnis()[1];
  const std::string a = std::to_string(vni_a);

  PromExposition before = scrape();
  EXPECT_EQ(before.value("vxsn_info",
                         {{"node", tb_.prefix()}, {"datapath", "software"}, {"version", "0.1.0"}}),
            1.0);
  EXPECT_EQ(before.value("vxsn_table_members"), 6.0) << "3 VTEPs in each of 2 VNIs";
  EXPECT_EQ(before.value("vxsn_table_unresolved_members"), 0.0);
  EXPECT_EQ(before.value("vxsn_table_entries_by_source", {{"source", "static"}}), 6.0);
  EXPECT_EQ(before.value("vxsn_table_entries_by_source", {{"source", "learned"}}), 0.0);
  EXPECT_EQ(before.value("vxsn_vnis_counted"), 2.0);
  EXPECT_EQ(before.value("vxsn_vnis_listed"), 1.0) << "top_vnis = 1";
  EXPECT_EQ(before.value("vxsn_ha_enabled"), 0.0);
  EXPECT_EQ(before.value("vxsn_card_present"), 0.0);
  EXPECT_TRUE(before.value("vxsn_drops_total", {{"reason", "unknown_vni"}}));
  const auto& port = before.families.at("vxsn_port_rx_packets_total").samples;
  ASSERT_EQ(port.size(), 1u);
  EXPECT_EQ(port[0].labels.at("ifname"), tb_.node_if());

  // Tenant traffic in VNI A only: A becomes the one VNI listed, with its copies.
  ASSERT_TRUE(tb_.ping(tenants(vni_a)[0], tenants(vni_a)[1], 56, false, 5));
  PromExposition after;
  ASSERT_TRUE(wait_until(
      [&] {
        after = scrape();
        return after.value("vxsn_vni_copies_out_total", {{"vni", a}}).value_or(0) > 0;
      },
      10s))
      << "VNI " << a << " never showed copies";
  EXPECT_GT(*after.value("vxsn_tx_copies_total"), *before.value("vxsn_tx_copies_total"));
  EXPECT_GT(*after.value("vxsn_vni_frames_in_total", {{"vni", a}}), 0.0);
  EXPECT_FALSE(after.value("vxsn_vni_frames_in_total", {{"vni", std::to_string(vni_b)}}))
      << "VNI B carried nothing: not among the top 1";
  EXPECT_GE(*after.value("vxsn_vnis_copies_out_total"),
            *after.value("vxsn_vni_copies_out_total", {{"vni", a}}));
  // Counters never go backwards between scrapes.
  const auto old_series = before.series();
  for (const auto& [key, value] : after.series()) {
    if (key.find("_total{") != std::string::npos && old_series.count(key)) {
      EXPECT_GE(value, old_series.at(key)) << key;
    }
  }

  // An API change: the table's occupancy follows.
  CommandResult removed = ctl("vtep remove " + std::to_string(vni_b) + " " + tb_.vtep_ips()[2]);
  ASSERT_EQ(removed.exit_code, 0) << removed.output;
  EXPECT_TRUE(wait_until([&] { return scrape().value("vxsn_table_members") == 5.0; }, 10s));
}

TEST_F(MetricsEndToEnd, OnlyGetAndHeadOfMetrics) {
  start("[metrics]\nlisten = \"127.0.0.1:" + std::to_string(kMetricsPort) + "\"\n");
  HttpResponse head = request("HEAD", "/metrics");
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(request("POST", "/metrics").status, 405);
  EXPECT_EQ(request("GET", "/").status, 404);
  EXPECT_EQ(request("GET", "/metrics/x").status, 404);
  EXPECT_TRUE(node_->process().running()) << "bad requests never stop the daemon";
  EXPECT_TRUE(scrape().value("vxsn_uptime_seconds"));
}

TEST_F(MetricsEndToEnd, OffByDefault) {
  start("");
  EXPECT_THROW(request("GET", "/metrics"), std::runtime_error) << "nothing listens";
}

}  // namespace
}  // namespace vxsn::test
