// What a reload applies now and what it leaves for a restart (host/daemon/config_reload).
#include <gtest/gtest.h>

#include "host/daemon/config_reload.hpp"

namespace vxsn {
namespace {

Config base() {
  Config c;
  c.service_addresses = {*IpAddr::parse("10.99.0.254")};
  c.ports = {PortSettings{"net_ring0"}};
  c.vnis = {StaticVni{100, {*IpAddr::parse("10.0.0.1")}}};
  return c;
}

TEST(ConfigReload, NothingChangedNeedsNoRestart) {
  EXPECT_TRUE(restart_only_changes(base(), base(), false).empty());
}

TEST(ConfigReload, ListenersAndPortsAreNamedForRestartInOrder) {
  Config fresh = base();
  fresh.ports[0].device = "net_ring1";
  fresh.vxlan_port = 4790;
  fresh.datapath = "emu";
  fresh.card.xclbin = "/usr/share/vxsn/vxsn.xclbin";
  fresh.metrics.port = 9999;
  fresh.health_file = "/run/vxsn/health";
  EXPECT_EQ(restart_only_changes(base(), fresh, true),
            (std::vector<std::string>{"port", "node.vxlan_port", "datapath.mode", "datapath.card",
                                      "metrics.listen", "ha", "node.health_file"}));
}

TEST(ConfigReload, StateFileKeysAreRestartOnly) {
  Config fresh = base();
  fresh.state_file = "/var/lib/vxsn/state.bin";
  fresh.state_interval_ms = 500;
  EXPECT_EQ(restart_only_changes(base(), fresh, false),
            (std::vector<std::string>{"node.state_file", "node.state_interval_ms"}));
}

TEST(ConfigReload, ReloadableSettingsAreNotNamedForRestart) {
  Config fresh = base();
  fresh.ttl = 7;
  fresh.stats_interval_ms = 250;
  fresh.metrics.top_vnis = 3;
  fresh.log_level = "debug";
  fresh.stats_file = "/tmp/elsewhere.json";
  // Applied live, make-before-break (host/daemon/service_address_change).
  fresh.service_addresses.push_back(*IpAddr::parse("fd99::254"));
  fresh.vnis.push_back(StaticVni{200, {*IpAddr::parse("10.0.0.2")}});
  EXPECT_TRUE(restart_only_changes(base(), fresh, false).empty());
}

TEST(ConfigReload, LayoutChangesWithTtlAndSourceIpButNotWithMembers) {
  Config fresh = base();
  fresh.vnis.push_back(StaticVni{200, {*IpAddr::parse("10.0.0.2")}});
  EXPECT_TRUE(same_layout(base(), fresh));
  fresh.ttl = 9;
  EXPECT_FALSE(same_layout(base(), fresh));
  fresh = base();
  fresh.keep_source_ip = !fresh.keep_source_ip;
  EXPECT_FALSE(same_layout(base(), fresh));
}

TEST(ConfigReload, AppliesTheFilesChangeAndKeepsWhatTheApiAdded) {
  Config running = base();
  std::vector<StaticVni> file_vnis = running.vnis;
  // The API added a member to VNI 100 since the file was loaded.
  running.vnis[0].members.push_back(*IpAddr::parse("10.0.0.9"));
  Config fresh = base();
  fresh.ttl = 5;
  fresh.log_level = "warn";
  fresh.vnis.push_back(StaticVni{200, {*IpAddr::parse("10.0.0.2")}});
  const uint16_t vxlan_port = running.vxlan_port;
  apply_reloadable(running, std::move(fresh), file_vnis);
  EXPECT_EQ(running.ttl, 5);
  EXPECT_EQ(running.vxlan_port, vxlan_port);
  EXPECT_EQ(running.log_level, "warn");
  ASSERT_EQ(running.vnis.size(), 2u);
  EXPECT_EQ(running.vnis[0].members.size(), 2u);  // the API's member stays
  EXPECT_EQ(file_vnis.size(), 2u);                // the file as now loaded
}

}  // namespace
}  // namespace vxsn
