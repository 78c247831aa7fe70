#include "host/config/config.hpp"
#include "host/config/metrics_settings.hpp"

#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

namespace vxsn {
namespace {

constexpr const char* kFull = R"(
[node]
id = "sn-a"
service_addresses = ["10.99.0.254", "fd99::fe"]
vxlan_port = 4790
source_ip = "own"
ttl = 32

[datapath]
mode = "software"
eal_args = ["--no-huge", "-m", "256"]

[[port]]
device = "net_af_xdp0,iface=sn0"
max_frame_len = 3520

[[vni]]
id = 100
members = ["10.99.0.1", "10.99.0.2", "fd99::3"]

[[vni]]
id = 200
members = []

[log]
level = "debug"
stats_file = "/tmp/stats.json"
)";

TEST(Config, ReadsEveryKey) {
  Config c = parse_config(kFull, "full.toml");
  EXPECT_EQ(c.node_id, "sn-a");
  ASSERT_EQ(c.service_addresses.size(), 2u);
  EXPECT_EQ(c.service_addresses[0].to_string(), "10.99.0.254");
  EXPECT_EQ(c.service_addresses[1].to_string(), "fd99::fe");
  EXPECT_EQ(c.vxlan_port, 4790);
  EXPECT_FALSE(c.keep_source_ip);
  EXPECT_EQ(c.ttl, 32);
  // Own addresses default to the first service address of each family.
  EXPECT_EQ(c.own_v4.to_string(), "10.99.0.254");
  EXPECT_EQ(c.own_v6.to_string(), "fd99::fe");
  EXPECT_EQ(c.eal_args, (std::vector<std::string>{"--no-huge", "-m", "256"}));
  ASSERT_EQ(c.ports.size(), 1u);
  EXPECT_EQ(c.ports[0].device, "net_af_xdp0,iface=sn0");
  EXPECT_EQ(c.ports[0].max_frame_len, 3520u);
  ASSERT_EQ(c.vnis.size(), 2u);
  EXPECT_EQ(c.vnis[0].vni, 100u);
  ASSERT_EQ(c.vnis[0].members.size(), 3u);
  EXPECT_TRUE(c.vnis[0].members[2].is_v6());
  EXPECT_TRUE(c.vnis[1].members.empty());
  EXPECT_EQ(c.log_level, "debug");
  EXPECT_EQ(c.stats_file, "/tmp/stats.json");
}

TEST(Config, DefaultsWhereSilent) {
  Config c = parse_config(R"(
[node]
service_addresses = ["10.0.0.1"]
[[port]]
device = "net_ring0"
)",
                          "min.toml");
  EXPECT_EQ(c.vxlan_port, 4789);
  EXPECT_TRUE(c.keep_source_ip);
  EXPECT_EQ(c.ttl, 64);
  EXPECT_EQ(c.datapath, "software");
  EXPECT_EQ(c.ports[0].max_frame_len, 9216u);
}

// Each bad file must name the file, the line and the key.
struct BadCase {
  const char* name;
  std::string text;
  uint32_t line;
  std::string key;
};

class BadConfig : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadConfig, NamesFileLineAndKey) {
  const BadCase& bc = GetParam();
  try {
    parse_config(bc.text, "bad.toml");
    FAIL() << "accepted a bad config";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.source(), "bad.toml");
    EXPECT_EQ(e.line(), bc.line) << e.what();
    EXPECT_EQ(e.key(), bc.key) << e.what();
    std::string what = e.what();
    EXPECT_NE(what.find("bad.toml"), std::string::npos);
    if (!bc.key.empty()) {
      EXPECT_NE(what.find(bc.key), std::string::npos);
    }
  }
}

const std::string kPort = "[[port]]\ndevice = \"net_ring0\"\n";

INSTANTIATE_TEST_SUITE_P(
    Cases, BadConfig,
    ::testing::Values(
        BadCase{"TtlRange", "[node]\nservice_addresses=[\"10.0.0.1\"]\nttl = 300\n" + kPort, 3,
                "node.ttl"},
        BadCase{"UnknownKey", "[node]\nservice_addresses=[\"10.0.0.1\"]\ntll = 3\n" + kPort, 3,
                "node.tll"},
        BadCase{"BadAddress", "[node]\nservice_addresses=[\"10.0.0.300\"]\n" + kPort, 2,
                "node.service_addresses[0]"},
        BadCase{"BadMode", "[node]\nservice_addresses=[\"10.0.0.1\"]\nsource_ip=\"x\"\n" + kPort, 3,
                "node.source_ip"},
        BadCase{"VniRange",
                "[node]\nservice_addresses=[\"10.0.0.1\"]\n" + kPort + "[[vni]]\nid = 16777216\n",
                6, "vni[0].id"},
        BadCase{"DuplicateVni",
                "[node]\nservice_addresses=[\"10.0.0.1\"]\n" + kPort +
                    "[[vni]]\nid = 5\n[[vni]]\nid = 5\n",
                8, "vni[1].id"},
        BadCase{"DuplicateMember",
                "[node]\nservice_addresses=[\"10.0.0.1\"]\n" + kPort +
                    "[[vni]]\nid = 5\nmembers = [\"1.1.1.1\", \"1.1.1.1\"]\n",
                7, "vni[0].members"},
        BadCase{"LoopbackMember",
                "[node]\nservice_addresses=[\"10.0.0.1\"]\n" + kPort +
                    "[[vni]]\nid = 5\nmembers = [\"1.1.1.1\",\n  \"127.0.0.1\"]\n",
                8, "vni[0].members[1]"},
        BadCase{"MulticastMember",
                "[node]\nservice_addresses=[\"10.0.0.1\"]\n" + kPort +
                    "[[vni]]\nid = 5\nmembers = [\"ff02::1\"]\n",
                7, "vni[0].members[0]"},
        BadCase{"UnspecifiedMember",
                "[node]\nservice_addresses=[\"10.0.0.1\"]\n" + kPort +
                    "[[vni]]\nid = 5\nmembers = [\"::\"]\n",
                7, "vni[0].members[0]"},
        BadCase{"MappedLoopbackMember",
                "[node]\nservice_addresses=[\"10.0.0.1\"]\n" + kPort +
                    "[[vni]]\nid = 5\nmembers = [\"::ffff:127.0.0.1\"]\n",
                7, "vni[0].members[0]"},
        BadCase{"MemberWithTrailingNul",
                "[node]\nservice_addresses=[\"10.0.0.1\"]\n" + kPort +
                    "[[vni]]\nid = 5\nmembers = [\"10.0.0.2\\u0000x\"]\n",
                7, "vni[0].members[0]"},
        BadCase{"WrongType", "[node]\nservice_addresses=[\"10.0.0.1\"]\nvxlan_port=\"x\"\n" + kPort,
                3, "node.vxlan_port"},
        BadCase{"MissingDevice",
                "[node]\nservice_addresses=[\"10.0.0.1\"]\n[[port]]\nmax_frame_len=1500\n", 3,
                "port[0].device"},
        BadCase{"NoServiceAddress", kPort, 0, "node.service_addresses"},
        // Also what a reload that lists an address twice is refused with (the old set runs on).
        BadCase{"DuplicateServiceAddress",
                "[node]\nservice_addresses=[\"10.0.0.1\", \"10.0.0.1\"]\n" + kPort, 0,
                "node.service_addresses"},
        BadCase{"Syntax", "[node\nservice_addresses=[]\n", 1, ""}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(Config, UnreadableFileIsAConfigError) {
  EXPECT_THROW(load_config("/nonexistent/vxsnd.toml"), ConfigError);
}

TEST(ConfigApi, ReadsEveryApiKey) {
  Config c = parse_config(R"(
[node]
service_addresses = ["10.0.0.1"]
[[port]]
device = "net_ring0"
[api]
socket = "/tmp/x/api.sock"
socket_group = "vxsn"
tcp_address = "127.0.0.1"
tcp_port = 7911
tls_cert = "/etc/vxsn/server.pem"
tls_key = "/etc/vxsn/server.key"
tls_ca = "/etc/vxsn/ca.pem"
max_connections = 4
max_connections_per_source = 2
max_request_bytes = 65536
idle_timeout_ms = 5000
)",
                          "api.toml");
  EXPECT_EQ(c.api.socket_path, "/tmp/x/api.sock");
  EXPECT_EQ(c.api.socket_group, "vxsn");
  EXPECT_EQ(c.api.tcp_address, "127.0.0.1");
  EXPECT_EQ(c.api.tcp_port, 7911);
  EXPECT_EQ(c.api.tls_cert, "/etc/vxsn/server.pem");
  EXPECT_EQ(c.api.tls_key, "/etc/vxsn/server.key");
  EXPECT_EQ(c.api.tls_ca, "/etc/vxsn/ca.pem");
  EXPECT_EQ(c.api.max_connections, 4u);
  EXPECT_EQ(c.api.max_connections_per_source, 2u);
  EXPECT_EQ(c.api.max_request_bytes, 65536u);
  EXPECT_EQ(c.api.idle_timeout_ms, 5000u);
}

TEST(ConfigApi, UnixSocketOnlyByDefault) {
  Config c = parse_config("[node]\nservice_addresses=[\"10.0.0.1\"]\n" + kPort, "min.toml");
  EXPECT_EQ(c.api.socket_path, "/run/vxsn/vxsnd.sock");
  EXPECT_EQ(c.api.socket_group, "");
  EXPECT_EQ(c.api.tcp_port, 0);
  EXPECT_EQ(c.api.max_request_bytes, 1u << 20);
  EXPECT_EQ(c.api.max_connections_per_source, 4u);
}

const std::string kNodeAndPort = "[node]\nservice_addresses=[\"10.0.0.1\"]\n" + kPort;

INSTANTIATE_TEST_SUITE_P(
    ApiCases, BadConfig,
    ::testing::Values(
        // Line 5: the [api] header, which the cross-key check points at.
        BadCase{"TcpWithoutTls", kNodeAndPort + "[api]\ntcp_port = 7911\n", 5, "api.tls_cert"},
        BadCase{"TcpWithoutCa",
                kNodeAndPort + "[api]\ntcp_port = 7911\ntls_cert=\"c\"\ntls_key=\"k\"\n", 5,
                "api.tls_ca"},
        BadCase{"ApiUnknownKey", kNodeAndPort + "[api]\nsocket_mode = 438\n", 6, "api.socket_mode"},
        BadCase{"ApiBadAddress", kNodeAndPort + "[api]\ntcp_address = \"localhost\"\n", 6,
                "api.tcp_address"},
        BadCase{"ApiTinyRequests", kNodeAndPort + "[api]\nmax_request_bytes = 100\n", 6,
                "api.max_request_bytes"},
        BadCase{"ApiSocketTooLong",
                kNodeAndPort + "[api]\nsocket = \"/" + std::string(120, 'a') + "\"\n", 6,
                "api.socket"}),
    [](const auto& info) { return std::string(info.param.name); });

// ---- [metrics]: the Prometheus endpoint ----

MetricsSettings metrics_of(const std::string& table) {
  return parse_config(kNodeAndPort + "[metrics]\n" + table, "metrics.toml").metrics;
}

TEST(ConfigMetrics, OffByDefault) {
  Config c = parse_config(kNodeAndPort, "min.toml");
  EXPECT_FALSE(c.metrics.enabled);
  EXPECT_EQ(c.metrics.top_vnis, 100u);
  EXPECT_FALSE(metrics_of("top_vnis = 5\n").enabled) << "only listen switches it on";
}

TEST(ConfigMetrics, ListenForms) {
  struct Form {
    std::string listen;
    std::string address;
    uint16_t port;
  };
  for (const Form& f :
       {Form{"9464", "127.0.0.1", 9464}, Form{"\"9100\"", "127.0.0.1", 9100},
        Form{"\":9200\"", "127.0.0.1", 9200}, Form{"\"10.0.0.1:9300\"", "10.0.0.1", 9300},
        Form{"\"0.0.0.0:9400\"", "0.0.0.0", 9400}, Form{"\"[::1]:9500\"", "::1", 9500}}) {
    MetricsSettings m = metrics_of("listen = " + f.listen + "\ntop_vnis = 7\n");
    EXPECT_TRUE(m.enabled) << f.listen;
    EXPECT_EQ(m.address, f.address) << f.listen;
    EXPECT_EQ(m.port, f.port) << f.listen;
    EXPECT_EQ(m.top_vnis, 7u);
  }
  EXPECT_EQ(listen_text(metrics_of("listen = \"[::1]:9500\"\n")), "[::1]:9500");
  EXPECT_EQ(listen_text(metrics_of("listen = 9464\n")), "127.0.0.1:9464");
}

INSTANTIATE_TEST_SUITE_P(
    MetricsCases, BadConfig,
    ::testing::Values(
        BadCase{"MetricsUnknownKey", kNodeAndPort + "[metrics]\nenable = true\n", 6,
                "metrics.enable"},
        BadCase{"MetricsHostName", kNodeAndPort + "[metrics]\nlisten = \"localhost:9464\"\n", 6,
                "metrics.listen"},
        BadCase{"MetricsPortZero", kNodeAndPort + "[metrics]\nlisten = \"127.0.0.1:0\"\n", 6,
                "metrics.listen"},
        BadCase{"MetricsPortTooBig", kNodeAndPort + "[metrics]\nlisten = 70000\n", 6,
                "metrics.listen"},
        BadCase{"MetricsNoPort", kNodeAndPort + "[metrics]\nlisten = \"127.0.0.1\"\n", 6,
                "metrics.listen"},
        BadCase{"MetricsIpv6WithoutBrackets", kNodeAndPort + "[metrics]\nlisten = \"::1:9464\"\n",
                6, "metrics.listen"},
        BadCase{"MetricsUnclosedBracket", kNodeAndPort + "[metrics]\nlisten = \"[::1:9464\"\n", 6,
                "metrics.listen"},
        BadCase{"MetricsNotAList", kNodeAndPort + "[metrics]\nlisten = [9464]\n", 6,
                "metrics.listen"},
        BadCase{"MetricsTopVnisNegative",
                kNodeAndPort + "[metrics]\nlisten = 9464\ntop_vnis = -1\n", 7, "metrics.top_vnis"}),
    [](const auto& info) { return std::string(info.param.name); });

// ---- [table], [[allow]], [[learning]]: the table manager's settings ----

TEST(ConfigTable, ReadsEveryTableKey) {
  Config c = parse_config(R"(
[node]
service_addresses = ["10.0.0.1"]
[[port]]
device = "net_ring0"
[table]
max_vnis = 10
max_members_per_vni = 20
max_entries = 30
registration_rate = 40
registration_burst = 50
holdtime_s = 60
max_holdtime_s = 100
max_registrations_per_identifier = 110
max_registrations_per_source = 120
registration_reply_factor = 2
learn_holdtime_s = 70
ageing_interval_ms = 80
learn_rate = 90
learning = false
unlisted_vnis = "deny"
[[allow]]
vnis = "100-199"
prefixes = ["10.1.0.0/16", "fd00::/8", "192.168.1.7"]
[[allow]]
prefixes = ["10.9.0.0/16"]
[[learning]]
vnis = 150
enabled = true
)",
                          "table.toml");
  EXPECT_EQ(c.table.max_vnis, 10u);
  EXPECT_EQ(c.table.max_members_per_vni, 20u);
  EXPECT_EQ(c.table.max_entries, 30u);
  EXPECT_EQ(c.table.registration_rate, 40u);
  EXPECT_EQ(c.table.registration_burst, 50u);
  EXPECT_EQ(c.table.holdtime_s, 60u);
  EXPECT_EQ(c.table.max_holdtime_s, 100u);
  EXPECT_EQ(c.table.max_registrations_per_identifier, 110u);
  EXPECT_EQ(c.table.max_registrations_per_source, 120u);
  EXPECT_EQ(c.table.registration_reply_factor, 2u);
  EXPECT_EQ(c.table.learn_holdtime_s, 70u);
  EXPECT_EQ(c.table.ageing_interval_ms, 80u);
  EXPECT_EQ(c.table.learn_rate, 90u);
  EXPECT_FALSE(c.table.learning);
  EXPECT_FALSE(c.table.allow_unlisted_vnis);
  ASSERT_EQ(c.allow.size(), 2u);
  EXPECT_EQ(c.allow[0].vnis.first, 100u);
  EXPECT_EQ(c.allow[0].vnis.last, 199u);
  ASSERT_EQ(c.allow[0].prefixes.size(), 3u);
  EXPECT_EQ(c.allow[0].prefixes[0].to_string(), "10.1.0.0/16");
  EXPECT_EQ(c.allow[0].prefixes[1].to_string(), "fd00::/8");
  EXPECT_EQ(c.allow[0].prefixes[2].to_string(), "192.168.1.7/32");
  // No vnis key: every VNI.
  EXPECT_EQ(c.allow[1].vnis.first, 0u);
  EXPECT_EQ(c.allow[1].vnis.last, 0xFFFFFFu);
  ASSERT_EQ(c.learning.size(), 1u);
  EXPECT_EQ(c.learning[0].vnis.first, 150u);
  EXPECT_EQ(c.learning[0].vnis.last, 150u);
  EXPECT_TRUE(c.learning[0].enabled);
}

TEST(ConfigTable, Defaults) {
  Config c = parse_config("[node]\nservice_addresses=[\"10.0.0.1\"]\n" + kPort, "min.toml");
  EXPECT_EQ(c.table.max_vnis, 65536u);
  EXPECT_EQ(c.table.max_entries, 1u << 20);
  EXPECT_EQ(c.table.holdtime_s, 90u);
  EXPECT_EQ(c.table.max_holdtime_s, 900u);
  EXPECT_EQ(c.table.max_registrations_per_identifier, 4096u);
  EXPECT_EQ(c.table.max_registrations_per_source, 4096u);
  EXPECT_EQ(c.table.registration_reply_factor, 4u);
  EXPECT_EQ(c.table.ageing_interval_ms, 1000u);
  EXPECT_TRUE(c.table.learning);
  EXPECT_TRUE(c.table.allow_unlisted_vnis);
  EXPECT_TRUE(c.allow.empty());
  EXPECT_TRUE(c.learning.empty());
}

// Line 5 is the table header below the base, line 6 its first key.
const std::string kTableBase = "[node]\nservice_addresses=[\"10.0.0.1\"]\n" + kPort;

INSTANTIATE_TEST_SUITE_P(
    TableCases, BadConfig,
    ::testing::Values(
        BadCase{"TableUnknownKey", kTableBase + "[table]\nmax_vni = 3\n", 6, "table.max_vni"},
        BadCase{"TableZeroLimit", kTableBase + "[table]\nmax_entries = 0\n", 6,
                "table.max_entries"},
        // 65535 means "never expires" on the wire: not a holdtime to announce.
        BadCase{"TableHoldtimeForever", kTableBase + "[table]\nholdtime_s = 65535\n", 6,
                "table.holdtime_s"},
        // Nothing registered may outlive the cap, "never" included.
        BadCase{"TableMaxHoldtimeForever", kTableBase + "[table]\nmax_holdtime_s = 65535\n", 6,
                "table.max_holdtime_s"},
        // The cap below the announced holdtime is named where the file set it...
        BadCase{"TableCapBelowHoldtime",
                kTableBase + "[table]\nholdtime_s = 120\nmax_holdtime_s = 100\n", 7,
                "table.max_holdtime_s"},
        // ...and a holdtime above the default cap where the holdtime is.
        BadCase{"TableHoldtimeAboveDefaultCap", kTableBase + "[table]\nholdtime_s = 1000\n", 6,
                "table.holdtime_s"},
        BadCase{"TableReplyFactorZero", kTableBase + "[table]\nregistration_reply_factor = 0\n", 6,
                "table.registration_reply_factor"},
        BadCase{"TableReplyFactorHuge", kTableBase + "[table]\nregistration_reply_factor = 65\n", 6,
                "table.registration_reply_factor"},
        BadCase{"TablePerSourceZero", kTableBase + "[table]\nmax_registrations_per_source = 0\n", 6,
                "table.max_registrations_per_source"},
        BadCase{"TableLearningNotBool", kTableBase + "[table]\nlearning = 1\n", 6,
                "table.learning"},
        BadCase{"TableUnlisted", kTableBase + "[table]\nunlisted_vnis = \"maybe\"\n", 6,
                "table.unlisted_vnis"},
        BadCase{"AllowBadPrefix", kTableBase + "[[allow]]\nprefixes = [\"10.0.0.0/33\"]\n", 6,
                "allow[0].prefixes[0]"},
        BadCase{"AllowNoPrefixes", kTableBase + "[[allow]]\nvnis = \"1-2\"\n", 5,
                "allow[0].prefixes"},
        BadCase{"AllowBackwardsRange", kTableBase + "[[allow]]\nvnis = \"20-10\"\nprefixes = []\n",
                6, "allow[0].vnis"},
        BadCase{"AllowRangeTooBig",
                kTableBase + "[[allow]]\nvnis = \"1-16777216\"\nprefixes = []\n", 6,
                "allow[0].vnis"},
        BadCase{"LearningNoEnabled", kTableBase + "[[learning]]\nvnis = \"1-5\"\n", 5,
                "learning[0].enabled"},
        BadCase{"LearningBadRange", kTableBase + "[[learning]]\nvnis = \"a-b\"\nenabled = true\n",
                6, "learning[0].vnis"}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace vxsn

namespace vxsn {
namespace {

// `text` is refused naming `line` (0: the file as a whole) and `key`.
void expect_config_error(const std::string& text, unsigned line, const std::string& key) {
  try {
    parse_config(text, "bad.toml");
    ADD_FAILURE() << "accepted: " << text;
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.key(), key) << text << ": " << e.what();
    EXPECT_EQ(e.line(), line) << text << ": " << e.what();
  }
}

TEST(ConfigNode, HealthFileAndInterval) {
  Config c = parse_config(
      "[node]\nservice_addresses=[\"10.0.0.1\"]\nhealth_file = \"/run/h\"\n"
      "health_interval_ms = 50\n" +
          kPort,
      "h.toml");
  EXPECT_EQ(c.health_file, "/run/h");
  EXPECT_EQ(c.health_interval_ms, 50u);
  Config d = parse_config("[node]\nservice_addresses=[\"10.0.0.1\"]\n" + kPort, "d.toml");
  EXPECT_TRUE(d.health_file.empty());
  EXPECT_EQ(d.health_interval_ms, 100u);
}

TEST(ConfigNode, HealthIntervalOutOfRangeNamesTheKey) {
  expect_config_error("[node]\nservice_addresses=[\"10.0.0.1\"]\nhealth_interval_ms = 0\n" + kPort,
                      3, "node.health_interval_ms");
}

TEST(ConfigNode, StateFileAndInterval) {
  Config c = parse_config(
      "[node]\nservice_addresses=[\"10.0.0.1\"]\nstate_file = \"/var/lib/vxsn/state.bin\"\n"
      "state_interval_ms = 5000\n" +
          kPort,
      "s.toml");
  EXPECT_EQ(c.state_file, "/var/lib/vxsn/state.bin");
  EXPECT_EQ(c.state_interval_ms, 5000u);
  Config d = parse_config("[node]\nservice_addresses=[\"10.0.0.1\"]\n" + kPort, "d.toml");
  EXPECT_TRUE(d.state_file.empty());
  EXPECT_EQ(d.state_interval_ms, 10000u);
}

TEST(ConfigNode, BadStateKeysNameLineAndKey) {
  for (const auto& [line, key] : std::vector<std::pair<std::string, std::string>>{
           {"state_interval_ms = 10", "node.state_interval_ms"},
           {"state_file = \"/var/lib/vxsn/\"", "node.state_file"},
           {"state_file = 7", "node.state_file"}}) {
    expect_config_error("[node]\nservice_addresses=[\"10.0.0.1\"]\n" + line + "\n" + kPort, 3, key);
  }
}

TEST(ConfigDatapath, LcoresAsACountOrAListAndRxQueuesPerPort) {
  const std::string node = "[node]\nservice_addresses=[\"10.0.0.1\"]\n";
  Config count =
      parse_config(node + "[datapath]\nlcores = 3\n" + kPort + "rx_queues = 6\n", "c.toml");
  EXPECT_EQ(count.datapath_lcores.count, 3u);
  EXPECT_TRUE(count.datapath_lcores.cpus.empty());
  EXPECT_EQ(count.datapath_lcores.lane_count(), 3u);
  EXPECT_EQ(count.ports.at(0).rx_queues, 6u);

  Config list = parse_config(node + "[datapath]\nlcores = [2, 5]\n" + kPort, "l.toml");
  EXPECT_EQ(list.datapath_lcores.cpus, (std::vector<unsigned>{2, 5}));
  EXPECT_EQ(list.datapath_lcores.lane_count(), 2u);
  EXPECT_EQ(list.ports.at(0).rx_queues, 0u);  // one per lane

  Config silent = parse_config(node + kPort, "s.toml");
  EXPECT_EQ(silent.datapath_lcores.lane_count(), 1u);
}

TEST(ConfigDatapath, BadLcoresNameLineAndKey) {
  const std::string node = "[node]\nservice_addresses=[\"10.0.0.1\"]\n";
  for (const auto& [text, line, key] : std::vector<std::tuple<std::string, unsigned, std::string>>{
           {"[datapath]\nlcores = 0\n" + kPort, 4, "datapath.lcores"},
           {"[datapath]\nlcores = []\n" + kPort, 4, "datapath.lcores"},
           {"[datapath]\nlcores = [1, 1]\n" + kPort, 4, "datapath.lcores"},
           {"[datapath]\nlcores = [-1]\n" + kPort, 4, "datapath.lcores[0]"},
           {"[datapath]\nlcores = \"all\"\n" + kPort, 4, "datapath.lcores"},
           {kPort + "rx_queues = 0\n", 5, "port[0].rx_queues"},
           {"[datapath]\neal_args = [\"-l\", \"0-3\"]\n" + kPort, 0, "datapath.eal_args"},
           {"[datapath]\neal_args = [\"--lcores=0@1\"]\n" + kPort, 0, "datapath.eal_args"}}) {
    expect_config_error(node + text, line, key);
  }
}

TEST(ConfigPort, KernelInterfaceNamesTheTapOfAPortTheKernelDoesNotOwn) {
  const std::string node = "[node]\nservice_addresses=[\"10.0.0.1\"]\n";
  Config c = parse_config(node + kPort + "kernel_interface = \"vxsn-k0\"\n", "k.toml");
  EXPECT_EQ(c.ports.at(0).kernel_interface, "vxsn-k0");
  EXPECT_TRUE(parse_config(node + kPort, "d.toml").ports.at(0).kernel_interface.empty());
  // The emulated card's poll loop serves kernel paths as the software datapath does; a
  // board serves them through its punt and inject rings.
  for (const std::string mode :
       {"[datapath]\nmode = \"emu\"\n", "[datapath]\nmode = \"fpga\"\nxclbin = \"x.xclbin\"\n"})
    EXPECT_EQ(parse_config(node + mode + kPort + "kernel_interface = \"k0\"\n", "e.toml")
                  .ports.at(0)
                  .kernel_interface,
              "k0")
        << mode;
  for (const auto& [text, line, key] : std::vector<std::tuple<std::string, unsigned, std::string>>{
           {kPort + "kernel_interface = \"much-too-long-name\"\n", 5, "port[0].kernel_interface"},
           {kPort + "kernel_interface = \"a b\"\n", 5, "port[0].kernel_interface"},
           {kPort + "kernel_interface = \"\"\n", 5, "port[0].kernel_interface"},
           {kPort + "kernel_interface = \"k0\"\n" + kPort + "kernel_interface = \"k0\"\n", 0,
            "port[1].kernel_interface"}}) {
    expect_config_error(node + text, line, key);
  }
}

// The [ha] section belongs to host/ha's reader; the main reader must let it through (and
// still refuse a misspelt section).
TEST(ConfigNode, HaSectionIsLeftToTheHaReader) {
  EXPECT_NO_THROW(parse_config(
      "[node]\nservice_addresses=[\"10.0.0.1\"]\n" + kPort + "[ha]\nnode_id = \"sn1\"\n",
      "ha.toml"));
  EXPECT_THROW(parse_config("[node]\nservice_addresses=[\"10.0.0.1\"]\n" + kPort +
                                "[hha]\nnode_id = \"sn1\"\n",
                            "ha.toml"),
               ConfigError);
}

}  // namespace
}  // namespace vxsn

namespace vxsn {
namespace {

// The steering policy must compile from what validation accepts.
TEST(ConfigValidation, RefusesAVxlanPortTheSteeringPolicyKeepsForTheHost) {
  auto text = [](int port) {
    return "[node]\nservice_addresses = [\"10.0.0.1\"]\nvxlan_port = " + std::to_string(port) +
           "\n" + kPort;
  };
  try {
    parse_config(text(3784), "v.toml");
    FAIL() << "accepted the BFD port as the VXLAN port";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.key(), "node.vxlan_port");
    EXPECT_NE(std::string(e.what()).find("bfd-control"), std::string::npos) << e.what();
  }
  EXPECT_THROW(parse_config(text(10001), "v.toml"), ConfigError);
  EXPECT_NO_THROW(parse_config(text(4789), "v.toml"));
}

}  // namespace
}  // namespace vxsn
