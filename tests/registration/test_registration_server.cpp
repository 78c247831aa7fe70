// The server over a real UDP socket on loopback, driven by the test suite's own VTEP client:
// register, list, refresh, withdraw, time out; bad input; replies split across datagrams.
#include <gtest/gtest.h>
#include <poll.h>

#include "host/registration/registration_server.hpp"
#include "tests/registration/fake_membership_store.hpp"
#include "tests/registration/hex_bytes.hpp"
#include "tests/registration/vtep_test_client.hpp"

namespace vxsn {
namespace {

using test::ClientRefresh;
using test::ClientReply;
using Members = std::map<uint32_t, std::set<std::string>>;

constexpr uint32_t kMarkerVni = 0xFFFFFF;
constexpr auto kGuard = std::chrono::seconds(5);

IpAddr ip(const char* text) {
  return *IpAddr::parse(text);
}

class RegistrationServerTest : public ::testing::Test {
 protected:
  void SetUp() override { start({}); }

  void start(RegistrationServerConfig config) {
    server.reset();
    config.listen_addresses = {ip("127.0.0.1")};
    config.port = 0;  // a free port
    server = std::make_unique<RegistrationServer>(store, config);
    std::string error;
    ASSERT_TRUE(server->start(&error)) << error;
    ASSERT_NE(server->port(), 0);
  }

  void send(const std::vector<uint8_t>& d) { vtep.send_to(server->port(), d); }

  // Sends `request` (if any), then a query for an empty marker VNI; the server answers in
  // order, so every reply before the marker's belongs to `request`.
  std::vector<ClientReply> exchange(const std::vector<uint8_t>* request) {
    if (request) send(*request);
    send(test::client_encode(ClientRefresh{2, true, 90, 1, 0, {{kMarkerVni, {}, {}}}}));
    std::vector<ClientReply> replies;
    for (;;) {
      auto d = vtep.receive(kGuard);
      if (!d) {
        ADD_FAILURE() << "no marker reply";
        return replies;
      }
      EXPECT_LE(d->size(), 1472u);
      auto r = test::client_decode(*d);
      EXPECT_TRUE(r.has_value());
      if (!r) continue;
      if (r->records.size() == 1 && r->records[0].first == kMarkerVni) return replies;
      replies.push_back(*r);
    }
  }
  std::vector<ClientReply> exchange(const ClientRefresh& r) {
    const auto d = test::client_encode(r);
    return exchange(&d);
  }

  test::FakeMembershipStore store;
  std::unique_ptr<RegistrationServer> server;
  test::UdpVtepSocket vtep;
};

TEST_F(RegistrationServerTest, RegisterListRefreshWithdrawAndTimeOut) {
  // VTEP A registers in v3 and asks for the list: it sees itself.
  ClientRefresh a{3, true, 90, 1, /*identifier=*/1, {{100, {{10, 0, 0, 1}}, {}}}};
  auto replies = exchange(a);
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].version, 3);
  EXPECT_FALSE(replies[0].originator);
  EXPECT_EQ(replies[0].holdtime, 90u);
  EXPECT_EQ(test::client_union(replies), (Members{{100, {"10.0.0.1"}}}));

  // VTEP B registers in v2: it sees both.
  ClientRefresh b{2, true, 90, 1, 0, {{100, {{10, 0, 0, 2}}, {}}}};
  replies = exchange(b);
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].version, 2);
  EXPECT_EQ(test::client_union(replies), (Members{{100, {"10.0.0.1", "10.0.0.2"}}}));

  // A v1 request is answered as "every VNI", in v1: every VNI the source (127.0.0.1, no
  // member anywhere) is itself in, which is none.
  replies = exchange(ClientRefresh{1, true, 90, 0, 0, {}});
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].version, 1);
  EXPECT_TRUE(test::client_union(replies).empty());

  // 60 s on, A refreshes (no reply asked) and B does not.
  store.advance(60);
  a.response_type = 0;
  EXPECT_TRUE(exchange(a).empty());
  // At 91 s B's registration has expired, A's refreshed one has not.
  store.advance(31);
  replies = exchange(ClientRefresh{3, true, 90, 1, 1, {{100, {}, {}}}});
  EXPECT_EQ(test::client_union(replies), (Members{{100, {"10.0.0.1"}}}));

  // B comes back, then withdraws explicitly.
  b.response_type = 0;
  exchange(b);
  b.holdtime = 0;
  exchange(b);
  replies = exchange(ClientRefresh{3, true, 90, 1, 1, {{100, {}, {}}}});
  EXPECT_EQ(test::client_union(replies), (Members{{100, {"10.0.0.1"}}}));

  // A stops refreshing: refreshed at 60 s, it lives until 150 s.
  store.advance(58);  // 149 s
  EXPECT_EQ(store.members(100), std::vector<IpAddr>{ip("10.0.0.1")});
  store.advance(1);  // 150 s
  replies = exchange(ClientRefresh{3, true, 90, 1, 1, {{100, {}, {}}}});
  EXPECT_EQ(test::client_union(replies), (Members{{100, {}}}));

  const auto c = server->counters();
  EXPECT_EQ(c.malformed_total(), 0u);
  EXPECT_EQ(c.applied, 5u);  // A, B, A refresh, B again, B withdrawal
  EXPECT_EQ(c.withdrawn, 1u);
  EXPECT_GE(c.replies, 6u);
}

TEST_F(RegistrationServerTest, BadInputIsCountedAndRefusedAndTheServerStillAnswers) {
  RegistrationServerConfig config;
  config.max_request_bytes = 1024;
  start(config);
  // VNIs 100-199 only for 10.0.0.0/24; the test client's source, 127.0.0.1, is a stranger.
  server->set_allow_list(std::make_shared<AllowList>(
      std::vector<AllowRule>{{VniRange{100, 199}, {*IpPrefix::parse("10.0.0.0/24")}}}, true));

  send(test::hex("03"));                             // truncated
  send(std::vector<uint8_t>(2000, 0x01));            // oversized
  send(test::hex("09 01 08 01"));                    // wrong version
  send(test::hex("03 02 08 01"));                    // PROXY: not served
  send(test::hex("03 01 2a 7f 08 64 ff ff ff ff"));  // protobuf garbage
  auto replies = exchange(ClientRefresh{3, true, 90, 1, 0, {{150, {{10, 0, 0, 5}}, {}}}});
  EXPECT_TRUE(replies.empty());  // the stranger learns nothing about VNI 150

  const auto c = server->counters();
  EXPECT_EQ(c.malformed_by(RefreshDecodeError::kTruncated), 1u);
  EXPECT_EQ(c.malformed_by(RefreshDecodeError::kOversized), 1u);
  EXPECT_EQ(c.malformed_by(RefreshDecodeError::kBadVersion), 1u);
  EXPECT_EQ(c.malformed_by(RefreshDecodeError::kTypeNotServed), 1u);
  EXPECT_EQ(c.malformed_by(RefreshDecodeError::kBadProtobuf), 1u);
  EXPECT_EQ(c.refused_not_allowed, 1u);
  EXPECT_TRUE(store.calls().empty());

  // Still serving: a VNI outside the allow-list's ranges registers normally.
  replies = exchange(ClientRefresh{3, true, 90, 1, 0, {{500, {{10, 0, 0, 5}}, {}}}});
  EXPECT_EQ(test::client_union(replies), (Members{{500, {"10.0.0.5"}}}));
}

TEST_F(RegistrationServerTest, LargeListsAreSplitSoEveryDatagramFitsTheMtu) {
  RegistrationServerConfig config;
  config.limits.max_reply_factor = 0;  // splitting only: the amplification bound is its own test
  start(config);
  Members expected;
  for (int i = 0; i < 600; ++i) {
    const uint8_t b[4] = {10, 1, static_cast<uint8_t>(i / 200), static_cast<uint8_t>(i % 200 + 1)};
    store.register_vtep(100, IpAddr::v4(b), 0, 65535, IpAddr::v4(b));
    expected[100].insert(IpAddr::v4(b).to_string());
  }
  expected[100].insert("10.0.0.1");
  for (uint8_t version : {1, 2, 3}) {
    SCOPED_TRACE(int{version});
    const auto replies =
        exchange(ClientRefresh{version, true, 90, 1, 0, {{100, {{10, 0, 0, 1}}, {}}}});
    ASSERT_GT(replies.size(), 1u);  // exchange() checked every datagram <= 1472 bytes
    for (const auto& r : replies) {
      EXPECT_EQ(r.version, version);
      for (const auto& [vni, members] : r.records) {
        EXPECT_NE(std::find(members.begin(), members.end(), "10.0.0.1"), members.end());
      }
    }
    EXPECT_EQ(test::client_union(replies), expected);
  }
}

TEST(RegistrationServerModes, PollLoopModeServesThroughFdsAndOnReadable) {
  test::FakeMembershipStore store;
  RegistrationServerConfig config;
  config.listen_addresses = {ip("127.0.0.1")};
  config.port = 0;
  RegistrationServer server(store, config);
  std::string error;
  ASSERT_TRUE(server.open(&error)) << error;
  ASSERT_EQ(server.fds().size(), 1u);
  test::UdpVtepSocket vtep;
  vtep.send_to(server.port(),
               test::client_encode(ClientRefresh{3, true, 90, 1, 0, {{100, {{10, 0, 0, 1}}, {}}}}));
  pollfd p{server.fds()[0], POLLIN, 0};
  ASSERT_EQ(::poll(&p, 1, 5000), 1);
  EXPECT_EQ(server.on_readable(p.fd), 1u);
  EXPECT_EQ(server.on_readable(p.fd), 0u);  // drained: returns at once, never blocks
  const auto reply = vtep.receive(kGuard);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(test::client_union({*test::client_decode(*reply)}), (Members{{100, {"10.0.0.1"}}}));
}

TEST(RegistrationServerModes, DefaultListenServesIpv4AndIpv6OnOnePort) {
  test::FakeMembershipStore store;
  RegistrationServerConfig config;  // no listen addresses: any
  config.port = 0;
  RegistrationServer server(store, config);
  std::string error;
  ASSERT_TRUE(server.start(&error)) << error;
  EXPECT_GE(server.fds().size(), 1u);  // 0.0.0.0, and :: where the host has IPv6
  test::UdpVtepSocket vtep;
  vtep.send_to(server.port(),
               test::client_encode(ClientRefresh{2, true, 90, 1, 0, {{7, {{10, 0, 0, 1}}, {}}}}));
  const auto reply = vtep.receive(kGuard);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(test::client_union({*test::client_decode(*reply)}), (Members{{7, {"10.0.0.1"}}}));
}

}  // namespace
}  // namespace vxsn
