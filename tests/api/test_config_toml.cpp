// `vxsnctl config show` prints the running config as TOML; reading that text back must give
// the same configuration, or an operator copying it into the file would change the node.
#include <gtest/gtest.h>

#include "host/api/config_toml.hpp"

namespace vxsn {
namespace {

constexpr const char* kEverything = R"(
[node]
id = "sn-\"quoted\""
service_addresses = ["10.99.0.254", "fd99::fe"]
vxlan_port = 4790
source_ip = "own"
own_ipv4 = "10.99.0.253"
ttl = 32

[datapath]
mode = "emu"
eal_args = ["--no-huge", "-m", "256"]

[[port]]
device = "net_af_xdp0,iface=sn0"
max_frame_len = 3520

[[vni]]
id = 100
members = ["10.99.0.1", "fd99::3"]

[[vni]]
id = 200
members = []

[table]
max_vnis = 10
max_members_per_vni = 20
max_entries = 30
holdtime_s = 40
learning = false
unlisted_vnis = "deny"

[[allow]]
vnis = "100-199"
prefixes = ["10.99.0.0/24", "fd99::/64"]

[[learning]]
vnis = 200
enabled = true

[log]
level = "debug"
stats_file = "/tmp/stats.json"
stats_interval_ms = 250

[api]
socket = "/run/vxsn/test.sock"
socket_group = "vxsn"
tcp_address = "127.0.0.1"
tcp_port = 7911
tls_cert = "/c.pem"
tls_key = "/k.pem"
tls_ca = "/ca.pem"
max_connections = 3
max_request_bytes = 8192
idle_timeout_ms = 1000
)";

TEST(ConfigToml, RenderedConfigReadsBackTheSame) {
  const Config a = parse_config(kEverything, "everything.toml");
  const std::string text = render_config_toml(a);
  Config b;
  ASSERT_NO_THROW(b = parse_config(text, "rendered.toml")) << text;
  EXPECT_EQ(b.node_id, "sn-\"quoted\"");
  EXPECT_EQ(b.service_addresses, a.service_addresses);
  EXPECT_EQ(b.vxlan_port, 4790);
  EXPECT_FALSE(b.keep_source_ip);
  EXPECT_EQ(b.own_v4.to_string(), "10.99.0.253");
  EXPECT_EQ(b.own_v6.to_string(), "fd99::fe");
  EXPECT_EQ(b.ttl, 32);
  EXPECT_EQ(b.datapath, "emu");
  EXPECT_EQ(b.eal_args, (std::vector<std::string>{"--no-huge", "-m", "256"}));
  ASSERT_EQ(b.ports.size(), 1u);
  EXPECT_EQ(b.ports[0].device, "net_af_xdp0,iface=sn0");
  EXPECT_EQ(b.ports[0].max_frame_len, 3520u);
  ASSERT_EQ(b.vnis.size(), 2u);
  EXPECT_EQ(b.vnis[0].vni, 100u);
  EXPECT_EQ(b.vnis[0].members, a.vnis[0].members);
  EXPECT_TRUE(b.vnis[1].members.empty());
  EXPECT_EQ(b.table.max_vnis, 10u);
  EXPECT_EQ(b.table.max_members_per_vni, 20u);
  EXPECT_EQ(b.table.max_entries, 30u);
  EXPECT_EQ(b.table.holdtime_s, 40u);
  EXPECT_FALSE(b.table.learning);
  EXPECT_FALSE(b.table.allow_unlisted_vnis);
  ASSERT_EQ(b.allow.size(), 1u);
  EXPECT_EQ(b.allow[0].vnis.first, 100u);
  EXPECT_EQ(b.allow[0].vnis.last, 199u);
  ASSERT_EQ(b.allow[0].prefixes.size(), 2u);
  EXPECT_EQ(b.allow[0].prefixes[1].to_string(), "fd99::/64");
  ASSERT_EQ(b.learning.size(), 1u);
  EXPECT_EQ(b.learning[0].vnis.first, 200u);
  EXPECT_EQ(b.learning[0].vnis.last, 200u);
  EXPECT_TRUE(b.learning[0].enabled);
  EXPECT_EQ(b.log_level, "debug");
  EXPECT_EQ(b.stats_file, "/tmp/stats.json");
  EXPECT_EQ(b.stats_interval_ms, 250u);
  EXPECT_TRUE(b.api == a.api);
  EXPECT_EQ(b.api.tcp_port, 7911);
  EXPECT_EQ(b.api.max_request_bytes, 8192u);
}

}  // namespace
}  // namespace vxsn
