// The test suite's VTEP client against the server backed by the real TableManager, its clock
// moved by hand: register, list, refresh, withdraw, time out, and the table's own refusals.
#include <gtest/gtest.h>

#include <atomic>

#include "host/registration/registration_server.hpp"
#include "host/table/table_manager.hpp"
#include "tests/registration/vtep_test_client.hpp"

namespace vxsn {
namespace {

using test::ClientRefresh;
using test::ClientReply;
using Members = std::map<uint32_t, std::set<std::string>>;

constexpr uint32_t kMarkerVni = 0xFFFFFF;
constexpr auto kGuard = std::chrono::seconds(5);

// Read by the server thread (through the table) while the test moves it.
struct SharedClock {
  std::atomic<int64_t> seconds{1000};
  TableManager::Now fn() {
    return [this] { return TableManager::TimePoint{} + std::chrono::seconds(seconds.load()); };
  }
};

class RegistrationWithTableManager : public ::testing::Test {
 protected:
  void SetUp() override {
    Config config;
    config.table.max_members_per_vni = 3;
    table = std::make_unique<TableManager>(config, clock.fn());
    RegistrationServerConfig sc;
    sc.listen_addresses = {*IpAddr::parse("127.0.0.1")};
    sc.port = 0;
    sc.limits.reply_holdtime_s = config.table.holdtime_s;
    server = std::make_unique<RegistrationServer>(*table, sc);
    std::string error;
    ASSERT_TRUE(server->start(&error)) << error;
  }
  void TearDown() override { server.reset(); }

  void advance(int64_t s) {
    clock.seconds += s;
    table->advance();
  }

  // The request, then a marker query: replies arrive in order, so those before the
  // marker's answer the request.
  std::vector<ClientReply> exchange(const ClientRefresh& r) {
    vtep.send_to(server->port(), test::client_encode(r));
    vtep.send_to(server->port(),
                 test::client_encode(ClientRefresh{2, true, 90, 1, 0, {{kMarkerVni, {}, {}}}}));
    std::vector<ClientReply> out;
    while (auto d = vtep.receive(kGuard)) {
      auto reply = test::client_decode(*d);
      EXPECT_TRUE(reply.has_value());
      if (!reply) continue;
      if (reply->records.size() == 1 && reply->records[0].first == kMarkerVni) return out;
      out.push_back(*reply);
    }
    ADD_FAILURE() << "no marker reply";
    return out;
  }

  SharedClock clock;
  std::unique_ptr<TableManager> table;
  std::unique_ptr<RegistrationServer> server;
  test::UdpVtepSocket vtep;
};

TEST_F(RegistrationWithTableManager, RegisterListRefreshWithdrawAndTimeOut) {
  ClientRefresh a{3, true, 90, 1, 11, {{100, {{10, 0, 0, 1}}, {}}}};
  ClientRefresh b{3, true, 90, 1, 22, {{100, {{10, 0, 0, 2}}, {}}}};
  EXPECT_EQ(test::client_union(exchange(a)), (Members{{100, {"10.0.0.1"}}}));
  EXPECT_EQ(test::client_union(exchange(b)), (Members{{100, {"10.0.0.1", "10.0.0.2"}}}));

  advance(60);
  a.response_type = 0;
  exchange(a);  // A refreshes at 60 s; B does not
  advance(31);  // 91 s: B's registration has expired
  EXPECT_EQ(test::client_union(exchange(ClientRefresh{3, true, 90, 1, 11, {{100, {}, {}}}})),
            (Members{{100, {"10.0.0.1"}}}));

  b.response_type = 0;
  exchange(b);
  b.holdtime = 0;  // explicit withdrawal
  exchange(b);
  EXPECT_EQ(table->members(100), std::vector<IpAddr>{*IpAddr::parse("10.0.0.1")});

  advance(60);  // 151 s: A, last refreshed at 60 s, has expired too
  EXPECT_TRUE(table->members(100).empty());
  const auto replies = exchange(ClientRefresh{3, true, 90, 1, 11, {{100, {}, {}}}});
  EXPECT_EQ(test::client_union(replies), (Members{{100, {}}}));
}

TEST_F(RegistrationWithTableManager, TheTablesMemberLimitIsCountedAsRefusedLimit) {
  ClientRefresh r{
      2, true, 90, 0, 0, {{100, {{10, 0, 0, 1}, {10, 0, 0, 2}, {10, 0, 0, 3}, {10, 0, 0, 4}}, {}}}};
  exchange(r);
  EXPECT_EQ(table->members(100).size(), 3u);
  EXPECT_EQ(server->counters().refused_limit, 1u);
  EXPECT_EQ(server->counters().applied, 3u);
}

}  // namespace
}  // namespace vxsn
