#include "host/config/config.hpp"

#include <gtest/gtest.h>

#include <string>

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
        BadCase{"WrongType", "[node]\nservice_addresses=[\"10.0.0.1\"]\nvxlan_port=\"x\"\n" + kPort,
                3, "node.vxlan_port"},
        BadCase{"MissingDevice",
                "[node]\nservice_addresses=[\"10.0.0.1\"]\n[[port]]\nmax_frame_len=1500\n", 3,
                "port[0].device"},
        BadCase{"NoServiceAddress", kPort, 0, "node.service_addresses"},
        BadCase{"Syntax", "[node\nservice_addresses=[]\n", 1, ""}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(Config, UnreadableFileIsAConfigError) {
  EXPECT_THROW(load_config("/nonexistent/vxsnd.toml"), ConfigError);
}

}  // namespace
}  // namespace vxsn
