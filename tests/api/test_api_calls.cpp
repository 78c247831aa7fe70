// Every call of the management API over a real Unix socket, served by ApiServer with an
// in-test backend: arguments reach the backend converted, replies come back converted, and
// every refusal arrives as its typed exception naming the field or limit.
#include <gtest/gtest.h>

#include "tests/api/api_test_support.hpp"

namespace vxsn::test {
namespace {

IpAddr ip(const char* text) {
  return *IpAddr::parse(text);
}

class ApiCalls : public ::testing::Test {
 protected:
  void SetUp() override {
    settings_ = unix_only(dir_);
    server_ = std::make_unique<ApiServer>(settings_, backend_, "9.8.7");
    server_->start();
    client_ = std::make_unique<ApiClient>(unix_client(settings_));
  }
  api::ManagementClient& api() { return **client_; }

  TempDir dir_;
  ApiSettings settings_;
  FakeBackend backend_;
  std::unique_ptr<ApiServer> server_;
  std::unique_ptr<ApiClient> client_;
};

TEST_F(ApiCalls, GetInfoReportsVersionsAndNode) {
  api::NodeInfo info;
  api().getInfo(info);
  EXPECT_EQ(info.api_version_major, 1);
  EXPECT_EQ(info.api_version_minor, 4);
  EXPECT_EQ(info.software_version, "9.8.7");
  EXPECT_EQ(info.node_id, "fake-node");
  EXPECT_EQ(info.datapath_mode, "software");
  EXPECT_DOUBLE_EQ(info.uptime_s, 12.5);
  EXPECT_EQ(info.service_addresses, (std::vector<std::string>{"10.99.0.254", "fd99::fe"}));
  EXPECT_EQ(info.vxlan_port, 4789);
  EXPECT_EQ(info.table_generation, 7);
  EXPECT_EQ(info.limits.max_members_per_vni, 3);
  EXPECT_FALSE(info.__isset.card);
}

TEST_F(ApiCalls, AddListRemoveMembers) {
  api::Member added;
  api().addMember(added, 100, "10.0.0.5");
  EXPECT_EQ(added.address, "10.0.0.5");
  EXPECT_EQ(added.sources, (std::vector<api::Source::type>{api::Source::STATIC}));
  EXPECT_FALSE(added.__isset.expires_in_s);
  api().addMember(added, 100, "fd00::7");

  std::vector<api::Member> members;
  api().listMembers(members, 100);
  ASSERT_EQ(members.size(), 2u);
  EXPECT_EQ(members[0].address, "10.0.0.5");
  EXPECT_EQ(members[1].address, "fd00::7");

  api().removeMember(100, "10.0.0.5");
  members.clear();
  api().listMembers(members, 100);
  ASSERT_EQ(members.size(), 1u);
  EXPECT_EQ(members[0].address, "fd00::7");
}

TEST_F(ApiCalls, MemberSourcesAgeAndExpiryAreReported) {
  backend_.seed(200, ip("10.0.0.9"), kSourceRegistered | kSourceLearned, 40, 50);
  std::vector<api::Member> members;
  api().listMembers(members, 200);
  ASSERT_EQ(members.size(), 1u);
  EXPECT_EQ(members[0].sources,
            (std::vector<api::Source::type>{api::Source::REGISTERED, api::Source::LEARNED}));
  EXPECT_EQ(members[0].age_s, 40);
  ASSERT_TRUE(members[0].__isset.expires_in_s);
  EXPECT_EQ(members[0].expires_in_s, 50);
}

TEST_F(ApiCalls, ListVnisPages) {
  for (int32_t vni : {30, 10, 20}) {
    api::Member m;
    api().addMember(m, vni, "10.0.0.1");
  }
  backend_.seed(20, ip("10.0.0.2"), kSourceLearned, 1, 299);
  api::VniPage page;
  api().listVnis(page, 0, 2);
  ASSERT_EQ(page.vnis.size(), 2u);
  EXPECT_EQ(page.vnis[0].vni, 10);
  EXPECT_EQ(page.vnis[1].vni, 20);
  EXPECT_EQ(page.vnis[1].members, 2);
  EXPECT_EQ(page.vnis[1].static_members, 1);
  EXPECT_EQ(page.vnis[1].learned_members, 1);
  EXPECT_TRUE(page.more);
  EXPECT_EQ(page.total_vnis, 3);
  api::VniPage rest;
  api().listVnis(rest, 20, 2);
  ASSERT_EQ(rest.vnis.size(), 1u);
  EXPECT_EQ(rest.vnis[0].vni, 30);
  EXPECT_FALSE(rest.more);
}

TEST_F(ApiCalls, FlushLearnedAndReplaceStatic) {
  backend_.seed(5, ip("10.0.0.1"), kSourceLearned, 1, 10);
  backend_.seed(5, ip("10.0.0.2"), kSourceLearned | kSourceStatic, 1, std::nullopt);
  EXPECT_EQ(api().flushLearned(5), 2);
  std::vector<api::Member> members;
  api().listMembers(members, 5);
  ASSERT_EQ(members.size(), 1u);  // the learned-only entry is gone
  EXPECT_EQ(members[0].address, "10.0.0.2");

  api::ReplaceResult r;
  api().replaceStaticMembers(r, 5, {"10.0.0.2", "10.0.0.3"});
  EXPECT_EQ(r.added, 1);
  EXPECT_EQ(r.kept, 1);
  EXPECT_EQ(r.removed, 0);
  api().replaceStaticMembers(r, 5, {"10.0.0.4"});
  EXPECT_EQ(r.added, 1);
  EXPECT_EQ(r.kept, 0);
  EXPECT_EQ(r.removed, 2);
}

TEST_F(ApiCalls, CountersAreReportedAndResetWithoutTouchingTheSource) {
  CountersInfo c;
  c.datapath.rx_frames = 100;
  c.datapath.tx_copies = 200;
  c.datapath.drops[static_cast<unsigned>(DropReason::kUnknownVni)] = 7;
  c.host_frames = 3;
  c.vnis = {{100, VniCountersSnapshot{10, 1000, 20, 2000}}};
  c.ports = {PortCountersInfo{"net_af_xdp0", "sn0", 110, 210, 11000, 21000, 1, 2, 3}};
  backend_.set_counters(c);

  api::Counters k;
  api().getCounters(k);
  EXPECT_EQ(k.rx_frames, 100);
  EXPECT_EQ(k.tx_copies, 200);
  EXPECT_EQ(k.host_frames, 3);
  EXPECT_EQ(k.drops.at("unknown_vni"), 7);
  EXPECT_EQ(k.drops.at("too_short"), 0);
  EXPECT_EQ(k.drops.count("none"), 0u);  // not a reason to drop
  ASSERT_EQ(k.vnis.size(), 1u);
  EXPECT_EQ(k.vnis[0].copies_out, 20);
  ASSERT_EQ(k.ports.size(), 1u);
  EXPECT_EQ(k.ports[0].kernel_ifname, "sn0");
  EXPECT_EQ(k.ports[0].tx_errors, 3);

  api::Counters before_reset;
  api().resetCounters(before_reset);
  EXPECT_EQ(before_reset.rx_frames, 100);  // what was counted up to the reset

  // The datapath keeps counting from its totals; the API shows only what came after.
  c.datapath.rx_frames = 150;
  c.datapath.drops[static_cast<unsigned>(DropReason::kUnknownVni)] = 9;
  c.vnis = {{100, VniCountersSnapshot{15, 1500, 30, 3000}},
            {200, VniCountersSnapshot{4, 400, 8, 800}}};
  c.ports[0].rx_packets = 160;
  backend_.set_counters(c);
  api().getCounters(k);
  EXPECT_EQ(k.rx_frames, 50);
  EXPECT_EQ(k.tx_copies, 0);
  EXPECT_EQ(k.drops.at("unknown_vni"), 2);
  ASSERT_EQ(k.vnis.size(), 2u);
  EXPECT_EQ(k.vnis[0].frames_in, 5);
  EXPECT_EQ(k.vnis[1].frames_in, 4);  // new since the reset: all of it
  EXPECT_EQ(k.ports[0].rx_packets, 50);
}

TEST_F(ApiCalls, PeersConfigAndReload) {
  std::vector<api::Peer> peers;
  api().listPeers(peers);
  EXPECT_TRUE(peers.empty());
  backend_.set_peers({PeerInfo{"sn-b", "10.1.0.2", "connected", 12, 345}});
  api().listPeers(peers);
  ASSERT_EQ(peers.size(), 1u);
  EXPECT_EQ(peers[0].node_id, "sn-b");
  EXPECT_EQ(peers[0].lag_ms, 12);
  EXPECT_EQ(peers[0].last_sequence, 345);

  api::ConfigDump dump;
  api().getConfig(dump);
  EXPECT_EQ(dump.path, "/etc/vxsn/fake.toml");
  EXPECT_EQ(dump.toml, "[node]\nid = \"fake-node\"\n");

  api::ReloadResult r;
  api().reloadConfig(r);
  EXPECT_EQ(r.table_generation, 8);
  EXPECT_EQ(r.restart_required, std::vector<std::string>{"port"});
  EXPECT_EQ(backend_.reloads(), 1);

  backend_.reload_fails = true;
  try {
    api().reloadConfig(r);
    FAIL() << "a refused reload must throw";
  } catch (const api::InvalidArgument& e) {
    EXPECT_EQ(e.field, "node.ttl");
    EXPECT_NE(e.message.find("must be 1..255"), std::string::npos);
  }
  EXPECT_EQ(backend_.reloads(), 1);
}

// ---- typed errors ----

template <class E, class F>
E expect_throws(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e;
  } catch (const std::exception& e) {
    ADD_FAILURE() << "wrong exception: " << e.what();
    return E{};
  }
  ADD_FAILURE() << "no exception";
  return E{};
}

TEST_F(ApiCalls, InvalidArgumentsNameTheField) {
  api::Member m;
  EXPECT_EQ(expect_throws<api::InvalidArgument>([&] { api().addMember(m, 0, "10.0.0.1"); }).field,
            "vni");
  EXPECT_EQ(
      expect_throws<api::InvalidArgument>([&] { api().addMember(m, 1 << 24, "10.0.0.1"); }).field,
      "vni");
  EXPECT_EQ(expect_throws<api::InvalidArgument>([&] { api().addMember(m, 5, "10.0.0"); }).field,
            "address");
  EXPECT_EQ(expect_throws<api::InvalidArgument>([&] { api().addMember(m, 5, "224.0.0.1"); }).field,
            "address");
  EXPECT_EQ(expect_throws<api::InvalidArgument>([&] { api().addMember(m, 5, "0.0.0.0"); }).field,
            "address");
  EXPECT_EQ(expect_throws<api::InvalidArgument>([&] { api().removeMember(5, "x"); }).field,
            "address");
  EXPECT_EQ(expect_throws<api::InvalidArgument>([&] { api().flushLearned(-1); }).field, "vni");
  api::ReplaceResult r;
  EXPECT_EQ(expect_throws<api::InvalidArgument>([&] {
              api().replaceStaticMembers(r, 5, {"10.0.0.1", "10.0.0.2", "10.0.0.1"});
            }).field,
            "addresses[2]");
  EXPECT_EQ(expect_throws<api::InvalidArgument>([&] {
              api().replaceStaticMembers(r, 5, {"10.0.0.1", "nope"});
            }).field,
            "addresses[1]");
  api::VniPage page;
  EXPECT_EQ(expect_throws<api::InvalidArgument>([&] { api().listVnis(page, 0, 0); }).field,
            "limit");
  EXPECT_EQ(expect_throws<api::InvalidArgument>([&] { api().listVnis(page, 0, 10001); }).field,
            "limit");
  EXPECT_EQ(expect_throws<api::InvalidArgument>([&] { api().listVnis(page, -5, 10); }).field,
            "after_vni");
  // Nothing reached the table.
  api::NodeInfo info;
  api().getInfo(info);
  EXPECT_EQ(info.members, 0);
}

TEST_F(ApiCalls, AddressesThatCannotBeMembersAreInvalidArguments) {
  api::Member m;
  // An embedded NUL or trailing bytes: once silently cut to "10.0.0.1".
  for (const std::string& text : {std::string("10.0.0.1\0x", 10), std::string("10.0.0.1 "),
                                  std::string("10.0.0.1x"), std::string("fd00::1%lo")}) {
    auto e = expect_throws<api::InvalidArgument>([&] { api().addMember(m, 5, text); });
    EXPECT_EQ(e.field, "address") << text;
    EXPECT_EQ(e.message.find('\0'), std::string::npos) << "the NUL is shown escaped";
  }
  // Loopback, multicast and unspecified, in both families and IPv4-mapped.
  for (const char* text : {"127.0.0.1", "127.9.9.9", "::1", "224.0.0.5", "239.1.1.1", "ff02::1",
                           "0.0.0.0", "::", "255.255.255.255", "::ffff:127.0.0.1"}) {
    auto e = expect_throws<api::InvalidArgument>([&] { api().addMember(m, 5, text); });
    EXPECT_EQ(e.field, "address") << text;
    EXPECT_NE(e.message.find("cannot be a member"), std::string::npos) << e.message;
  }
  std::vector<std::string> list{"10.0.0.1", "::1"};
  api::ReplaceResult r;
  EXPECT_EQ(
      expect_throws<api::InvalidArgument>([&] { api().replaceStaticMembers(r, 5, list); }).field,
      "addresses[1]");
  EXPECT_EQ(backend_.node_status().members, 0u) << "nothing reached the table";
}

TEST_F(ApiCalls, Ipv4MappedAddressesReachTheTableAsIpv4) {
  // The form the loop guard and the table compare: "::ffff:<service address>" must meet the
  // guard as the service address itself.
  api::Member m;
  api().addMember(m, 5, "::ffff:10.0.0.9");
  EXPECT_EQ(m.address, "10.0.0.9");
  std::vector<api::Member> members;
  api().listMembers(members, 5);
  ASSERT_EQ(members.size(), 1u);
  EXPECT_EQ(members[0].address, "10.0.0.9");
  std::vector<std::string> twice{"10.0.0.9", "::ffff:10.0.0.9"};
  api::ReplaceResult r;
  EXPECT_EQ(
      expect_throws<api::InvalidArgument>([&] { api().replaceStaticMembers(r, 5, twice); }).field,
      "addresses[1]")
      << "the same address twice, once in each form";
}

TEST_F(ApiCalls, NotFound) {
  std::vector<api::Member> members;
  EXPECT_EQ(expect_throws<api::NotFound>([&] { api().listMembers(members, 77); }).resource, "vni");
  api::Member m;
  api().addMember(m, 77, "10.0.0.1");
  EXPECT_EQ(expect_throws<api::NotFound>([&] { api().removeMember(77, "10.0.0.2"); }).resource,
            "member");
  EXPECT_EQ(expect_throws<api::NotFound>([&] { api().flushLearned(78); }).resource, "vni");
}

TEST_F(ApiCalls, CapacityExceededChangesNothing) {
  api::Member m;
  for (const char* a : {"10.0.0.1", "10.0.0.2", "10.0.0.3"}) api().addMember(m, 9, a);
  auto e = expect_throws<api::CapacityExceeded>([&] { api().addMember(m, 9, "10.0.0.4"); });
  EXPECT_EQ(e.limit, "max_members_per_vni");
  EXPECT_EQ(e.capacity, 3);
  EXPECT_EQ(e.requested, 4);
  std::vector<api::Member> members;
  api().listMembers(members, 9);
  EXPECT_EQ(members.size(), 3u);
  api::ReplaceResult r;
  expect_throws<api::CapacityExceeded>([&] {
    api().replaceStaticMembers(r, 9, {"10.0.1.1", "10.0.1.2", "10.0.1.3", "10.0.1.4"});
  });
  members.clear();
  api().listMembers(members, 9);
  ASSERT_EQ(members.size(), 3u);
  EXPECT_EQ(members[0].address, "10.0.0.1");
}

TEST_F(ApiCalls, NotPermitted) {
  api::Member m;
  expect_throws<api::NotPermitted>([&] { api().addMember(m, 9, "192.0.2.1"); });
  backend_.seed(9, ip("10.5.5.5"), kSourcePeer, 0, std::nullopt);
  expect_throws<api::NotPermitted>([&] { api().removeMember(9, "10.5.5.5"); });
}

// A backend failure that is not a refusal reaches the client as an application error, and
// the connection (and server) carry on.
class ThrowingBackend : public FakeBackend {
 public:
  NodeStatus node_status() override { throw std::runtime_error("disk on fire"); }
};

TEST(ApiServerErrors, UnexpectedBackendFailureIsAnApplicationError) {
  TempDir dir;
  ThrowingBackend backend;
  ApiServer server(unix_only(dir), backend, "1");
  server.start();
  ApiClient client(unix_client(unix_only(dir)));
  api::NodeInfo info;
  EXPECT_THROW(client->getInfo(info), apache::thrift::TApplicationException);
  std::vector<api::Peer> peers;
  EXPECT_NO_THROW(client->listPeers(peers));
}

TEST_F(ApiCalls, SetStormControlReachesTheBackendAndRefusesBadRanges) {
  api::StormLimit limit;
  limit.first_vni = 100;
  limit.last_vni = 199;
  limit.frames_per_s = 5000;
  limit.bytes_per_s = 0;
  api().setStormControl(limit);
  ASSERT_EQ(backend_.storm_rules.size(), 1u);
  EXPECT_EQ(backend_.storm_rules[0].vnis, (VniRange{100, 199}));
  EXPECT_EQ(backend_.storm_rules[0].rate, (PolicerRate{5000, 0}));

  api::StormLimit backwards = limit;
  backwards.last_vni = 99;
  EXPECT_EQ(expect_throws<api::InvalidArgument>([&] { api().setStormControl(backwards); }).field,
            "last_vni");
  api::StormLimit negative = limit;
  negative.bytes_per_s = -1;
  EXPECT_EQ(expect_throws<api::InvalidArgument>([&] { api().setStormControl(negative); }).field,
            "bytes_per_s");
  api::StormLimit huge_vni = limit;
  huge_vni.last_vni = 1 << 24;
  EXPECT_EQ(expect_throws<api::InvalidArgument>([&] { api().setStormControl(huge_vni); }).field,
            "last_vni");
  EXPECT_EQ(backend_.storm_rules.size(), 1u);
}

TEST_F(ApiCalls, AddMembersAddsTheWholeListOrNothing) {
  std::vector<api::Member> added;
  api().addMembers(added, 7, {"10.0.0.1", "fd00::2"});
  ASSERT_EQ(added.size(), 2u);
  EXPECT_EQ(added[0].address, "10.0.0.1");
  EXPECT_EQ(added[1].address, "fd00::2");
  // A bad or repeated address anywhere in the list refuses the call before anything changes.
  std::vector<api::Member> none;
  EXPECT_EQ(expect_throws<api::InvalidArgument>([&] {
              api().addMembers(none, 7, {"10.0.0.3", "nope"});
            }).field,
            "addresses[1]");
  EXPECT_EQ(expect_throws<api::InvalidArgument>([&] {
              api().addMembers(none, 7, {"10.0.0.3", "10.0.0.3"});
            }).field,
            "addresses[1]");
  const std::vector<std::string> too_many(10001, "10.0.0.9");
  EXPECT_EQ(expect_throws<api::InvalidArgument>([&] { api().addMembers(none, 7, too_many); }).field,
            "addresses");
  std::vector<api::Member> members;
  api().listMembers(members, 7);
  EXPECT_EQ(members.size(), 2u) << "a refused call added something";
}

}  // namespace
}  // namespace vxsn::test
