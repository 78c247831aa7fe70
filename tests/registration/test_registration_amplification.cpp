// The amplification bound, measured over real UDP on loopback against the real table: every
// kind of request (each version, each response type, one VNI or many, "all VNIs" from a
// member and from a stranger) is sent to a server with the default bound and to one without
// it, and the reply bytes per request byte are printed. Asserted: with the bound, no request
// gets more than kDefaultMaxReplyFactor times its bytes back (UDP payload, and on the wire
// with IPv4 + UDP headers); without it, the same table does amplify (so the bound is what
// keeps the figures down, not the scenario).
#include <gtest/gtest.h>

#include <cstdio>

#include "host/registration/registration_server.hpp"
#include "host/table/table_manager.hpp"
#include "tests/registration/vtep_test_client.hpp"

namespace vxsn {
namespace {

using test::ClientRefresh;

constexpr uint32_t kMarkerVni = 0xFFFFFF;
constexpr auto kGuard = std::chrono::seconds(5);
constexpr size_t kIpv4UdpHeaders = 20 + 8;
constexpr int kVnis = 64;            // VNIs 100..163 in the table
constexpr int kMembersPerVni = 100;  // besides the test client
constexpr int kClientVnis = 32;      // the client (127.0.0.1) is a member of 100..131
constexpr test::Ipv4 kClient{127, 0, 0, 1};

struct Measured {
  size_t request = 0;
  size_t reply = 0;  // UDP payload bytes of every reply datagram
  size_t datagrams = 0;
  double factor() const { return static_cast<double>(reply) / static_cast<double>(request); }
  double wire_factor() const {
    return static_cast<double>(reply + datagrams * kIpv4UdpHeaders) /
           static_cast<double>(request + kIpv4UdpHeaders);
  }
};

class RegistrationAmplification : public ::testing::Test {
 protected:
  void SetUp() override {
    Config config;
    config.table.max_members_per_vni = 1024;
    table = std::make_unique<TableManager>(config);
    for (int v = 0; v < kVnis; ++v) {
      for (int m = 0; m < kMembersPerVni; ++m) {
        const uint8_t b[4] = {10, static_cast<uint8_t>(v), static_cast<uint8_t>(m / 200),
                              static_cast<uint8_t>(m % 200 + 1)};
        ASSERT_EQ(table->register_vtep(100 + v, IpAddr::v4(b), 0, 600, IpAddr::v4(b)),
                  StoreResult::kOk);
      }
    }
    bounded = start(kDefaultMaxReplyFactor);
    unbounded = start(0);
    // The client registers itself in its VNIs (through the unbounded server: no reply).
    ClientRefresh join{3, true, 600, 0, 0, {}};
    for (int v = 0; v < kClientVnis; ++v) join.vteps.push_back({100u + v, {kClient}, {}});
    measure(*unbounded, test::client_encode(join));
  }

  std::unique_ptr<RegistrationServer> start(uint32_t factor) {
    RegistrationServerConfig sc;
    sc.listen_addresses = {*IpAddr::parse("127.0.0.1")};
    sc.port = 0;
    sc.limits.max_reply_factor = factor;
    auto server = std::make_unique<RegistrationServer>(*table, sc);
    std::string error;
    EXPECT_TRUE(server->start(&error)) << error;
    return server;
  }

  // Sends `request`, then a marker query; the replies before the marker's answer the request.
  Measured measure(RegistrationServer& server, const std::vector<uint8_t>& request) {
    Measured m;
    m.request = request.size();
    vtep.send_to(server.port(), request);
    vtep.send_to(server.port(),
                 test::client_encode(ClientRefresh{2, true, 90, 1, 0, {{kMarkerVni, {}, {}}}}));
    while (auto d = vtep.receive(kGuard)) {
      const auto reply = test::client_decode(*d);
      EXPECT_TRUE(reply.has_value());
      if (reply && reply->records.size() == 1 && reply->records[0].first == kMarkerVni) return m;
      m.reply += d->size();
      ++m.datagrams;
    }
    ADD_FAILURE() << "no marker reply";
    return m;
  }

  std::unique_ptr<TableManager> table;
  std::unique_ptr<RegistrationServer> bounded, unbounded;
  test::UdpVtepSocket vtep;
};

TEST_F(RegistrationAmplification, NoRequestKindGetsMoreThanTheFactorBack) {
  ClientRefresh many{3, true, 600, 1, 0, {}};
  for (int v = 0; v < kClientVnis; ++v) many.vteps.push_back({100u + v, {kClient}, {}});
  test::Ipv6 v6{};
  v6[0] = 0xfd;
  v6[15] = 1;
  const std::vector<std::pair<std::string, std::vector<uint8_t>>> kinds = {
      {"v1 register 1 VNI (answered as all)",
       test::client_encode({1, true, 600, 0, 0, {{100, {kClient}, {}}}})},
      {"v1 header only (all VNIs)", test::client_encode({1, true, 600, 0, 0, {}})},
      {"v2 rt=1 register 1 VNI", test::client_encode({2, true, 600, 1, 0, {{100, {kClient}, {}}}})},
      {"v2 rt=2 no records", test::client_encode({2, true, 600, 2, 0, {}})},
      {"v3 rt=0 register 1 VNI", test::client_encode({3, true, 600, 0, 0, {{100, {kClient}, {}}}})},
      {"v3 rt=1 register 1 VNI", test::client_encode({3, true, 600, 1, 5, {{100, {kClient}, {}}}})},
      {"v3 rt=1 query 1 VNI, no address",
       test::client_encode({3, true, 600, 1, 0, {{150, {}, {}}}})},
      {"v3 rt=1 register 32 VNIs", test::client_encode(many)},
      {"v3 rt=2 no records", test::client_encode({3, true, std::nullopt, 2, 0, {}})},
      {"v4 rt=2 no records", test::client_encode({4, true, 600, 2, 0, {}})},
      {"v4 rt=1 register v4+v6",
       test::client_encode({4, true, 600, 1, 0, {{101, {kClient}, {v6}}}})},
  };
  std::printf("[ figures ] amplification, %d VNIs x %d members, client in %d; bound %u\n", kVnis,
              kMembersPerVni, kClientVnis, kDefaultMaxReplyFactor);
  std::printf("[ figures ] %-36s %7s | %9s %6s %8s | %9s %6s %8s %8s\n", "request", "bytes",
              "unbounded", "dgrams", "factor", "bounded", "dgrams", "factor", "on wire");
  bool amplified_without_bound = false;
  for (const auto& [name, request] : kinds) {
    SCOPED_TRACE(name);
    const Measured u = measure(*unbounded, request);
    const Measured b = measure(*bounded, request);
    std::printf("[ figures ] %-36s %7zu | %9zu %6zu %8.2f | %9zu %6zu %8.2f %8.2f\n", name.c_str(),
                b.request, u.reply, u.datagrams, u.factor(), b.reply, b.datagrams, b.factor(),
                b.wire_factor());
    EXPECT_LE(b.reply, kDefaultMaxReplyFactor * b.request);
    EXPECT_LE(b.wire_factor(), kDefaultMaxReplyFactor);
    EXPECT_LE(b.reply, u.reply);
    amplified_without_bound |= u.factor() > kDefaultMaxReplyFactor;
  }
  EXPECT_TRUE(amplified_without_bound);
  EXPECT_GT(bounded->counters().replies_truncated, 0u);
  EXPECT_EQ(unbounded->counters().replies_truncated, 0u);
}

TEST_F(RegistrationAmplification, AllVnisFromAStrangerListsNoneOfTheTable) {
  // The same "every VNI" query from an address that is nobody's member: a spoofer sending
  // it in a victim's name gets at most a bare header sent to the victim.
  // The test client is 127.0.0.1 like any other loopback socket: it first leaves its VNIs.
  ClientRefresh leave{3, true, 0, 0, 0, {}};
  for (int v = 0; v < kClientVnis; ++v) leave.vteps.push_back({100u + v, {kClient}, {}});
  measure(*unbounded, test::client_encode(leave));
  const Measured m = measure(*unbounded, test::client_encode({3, true, 600, 2, 0, {}}));
  std::printf("[ figures ] all VNIs from a non-member, unbounded server: %zu bytes -> %zu bytes\n",
              m.request, m.reply);
  EXPECT_EQ(m.datagrams, 1u);
  EXPECT_LE(m.reply, m.request);
}

}  // namespace
}  // namespace vxsn
