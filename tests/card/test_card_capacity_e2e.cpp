// The card's capacity end to end: vxsnd on the emulated card in the testbed, a replication
// peer (its own process, real ZeroMQ with CURVE) that fills the card's member arena to the
// last record, then learning and the peer each push the table past it. What does not fit
// is left out and counted by reason; the table goes on publishing (a learned VTEP gets its
// floods), and what was left out comes back when room is freed. Never a frozen table.
#include <gtest/gtest.h>
#include <signal.h>

#include <fmt/format.h>

#include <filesystem>
#include <fstream>

#include "hls/table_layout.hpp"
#include "host/ha/curve_keys.hpp"
#include "tests/integration/testbed.hpp"

namespace vxsn::test {
namespace {

using namespace std::chrono_literals;

constexpr uint32_t kPeerFirstVni = 10000;  // above the testbed's VNIs: later in table order
constexpr uint32_t kPeerMembers = card::kMaxMembersPerVni;

// The node's [ha] section and the peer's config, with fresh CURVE keys. Both sides listen
// on the loopback of the node's namespace.
struct HaPair {
  std::filesystem::path dir;
  std::string node_config, peer_config_path;

  explicit HaPair(const std::string& prefix)
      : dir(std::filesystem::temp_directory_path() / prefix) {
    std::filesystem::create_directories(dir);
    CurveKeyPair node = write_key_pair(dir / "node", true);
    CurveKeyPair peer = write_key_pair(dir / "peer", true);
    auto section = [&](const char* self, uint16_t pub, const char* other, uint16_t other_pub,
                       const CurveKeyPair& other_keys) {
      return fmt::format(
          "[ha]\nnode_id = \"{0}\"\npublish = \"tcp://127.0.0.1:{1}\"\n"
          "snapshot = \"tcp://127.0.0.1:{2}\"\nsecret_key_file = \"{3}\"\n"
          "heartbeat_interval_ms = 100\ndead_interval_ms = 2000\n\n"
          "[[ha.peers]]\nname = \"{4}\"\npublish = \"tcp://127.0.0.1:{5}\"\n"
          "snapshot = \"tcp://127.0.0.1:{6}\"\npublic_key = \"{7}\"\n\n",
          self, pub, pub + 1, (dir / self).string() + ".key", other, other_pub, other_pub + 1,
          other_keys.public_z85);
    };
    node_config = section("node", 7801, "peer", 7811, peer);
    peer_config_path = (dir / "peer.toml").string();
    std::ofstream(peer_config_path) << section("peer", 7811, "node", 7801, node);
  }
  ~HaPair() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

uint64_t card_value(const nlohmann::json& stats, const char* key) {
  if (!stats.contains("card") || !stats["card"].contains(key)) return 0;
  return stats["card"][key].get<uint64_t>();
}
uint64_t left_out(const nlohmann::json& stats, const char* reason) {
  if (!stats.contains("card") || !stats["card"]["left_out"].contains(reason)) return 0;
  return stats["card"]["left_out"][reason].get<uint64_t>();
}
uint64_t control(const nlohmann::json& stats, const char* key) {
  if (!stats.contains("control") || !stats["control"].contains(key)) return 0;
  return stats["control"][key].get<uint64_t>();
}

TEST(CardCapacityEndToEnd, LearningAndAPeerPastTheMemberArenaLeaveTheTablePublishing) {
  Testbed tb;
  const uint32_t vni_a = tb.vnis().at(0), vni_b = tb.vnis().at(1);
  Tenant t1, t3;  // tenants of VNI A on VTEPs 1 and 3
  for (const Tenant& t : tb.tenants_of(vni_a)) {
    if (t.netns.find("-t1-") != std::string::npos) t1 = t;
    if (t.netns.find("-t3-") != std::string::npos) t3 = t;
  }
  ASSERT_FALSE(t1.netns.empty());
  ASSERT_FALSE(t3.netns.empty());

  HaPair ha(tb.prefix() + "-ha");
  NodeOptions o;
  o.extra_config =
      "[datapath]\nmode = \"emu\"\n\n"
      "[table]\nlearn_holdtime_s = 3\nageing_interval_ms = 200\n\n" +
      ha.node_config;
  o.members = {{vni_a, {1, 2}}, {vni_b, {1, 2, 3}}};  // VTEP 3 is learned in VNI A
  const uint64_t own_members = 5;
  Node node(tb, o);
  ASSERT_TRUE(node.wait_ready()) << node.process().log();

  // The peer fills the arena exactly: 127 full VNIs and one with the rest.
  const uint32_t peer_vnis = (card::kMaxMembers - own_members) / kPeerMembers + 1;
  const uint32_t last_members =
      static_cast<uint32_t>(card::kMaxMembers - own_members - (peer_vnis - 1) * kPeerMembers);
  ChildProcess peer({"ip", "netns", "exec", tb.node_ns(), VXSN_HA_FILLER_PEER, ha.peer_config_path,
                     std::to_string(kPeerFirstVni), std::to_string(peer_vnis),
                     std::to_string(kPeerMembers), std::to_string(last_members)},
                    (ha.dir / "peer.log").string());
  const auto card_holds = [&](uint64_t vnis, uint64_t members, uint64_t no_room) {
    return wait_until(
        [&] {
          auto s = node.stats();
          return card_value(s, "vnis") == vnis && card_value(s, "members") == members &&
                 left_out(s, "vnis_no_member_room") == no_room;
        },
        30s);
  };
  ASSERT_TRUE(card_holds(2 + peer_vnis, card::kMaxMembers, 0))
      << node.stats().dump() << "\n"
      << peer.log() << node.process().log();
  EXPECT_EQ(card_value(node.stats(), "member_capacity"), card::kMaxMembers);

  // Learning pushes it over: VTEP 3 floods in VNI A (its tenant's ARP request). VNI A is
  // carried and stays; the last VNI in table order (the peer's partial one) is left out.
  EXPECT_TRUE(tb.ping(t3, t1, 56, false, 5)) << node.process().log();
  const uint64_t without_last = card::kMaxMembers + 1 - last_members;
  EXPECT_TRUE(card_holds(2 + peer_vnis - 1, without_last, 1)) << node.stats().dump();
  EXPECT_EQ(control(node.stats(), "learned"), 1u);
  // The table was published with the learned VTEP in it: VNI A's floods reach VTEP 3.
  EXPECT_TRUE(tb.ping(t1, t3, 56, false, 3)) << node.process().log();

  // VTEP 3 ages out (3 s without its traffic): the left-out VNI comes back.
  EXPECT_TRUE(card_holds(2 + peer_vnis, card::kMaxMembers, 0)) << node.stats().dump();

  // The peer pushes it over: a new VNI with a full member list does not fit; every VNI
  // the card carries stays.
  peer.signal(SIGUSR1);
  ASSERT_TRUE(card_holds(2 + peer_vnis, card::kMaxMembers, 1)) << node.stats().dump() << "\n"
                                                               << peer.log();
  EXPECT_EQ(node.stats()["control"]["vnis"].get<uint64_t>(), 2 + peer_vnis + 1);

  // And the table still publishes: learning VTEP 3 again leaves out the partial VNI too.
  EXPECT_TRUE(tb.ping(t3, t1, 56, false, 5)) << node.process().log();
  EXPECT_TRUE(card_holds(2 + peer_vnis - 1, without_last, 2)) << node.stats().dump();
  EXPECT_TRUE(tb.ping(t1, t3, 56, false, 3)) << node.process().log();

  EXPECT_EQ(peer.terminate(), 0) << peer.log();
  EXPECT_EQ(node.process().terminate(), 0) << node.process().log();
}

}  // namespace
}  // namespace vxsn::test
