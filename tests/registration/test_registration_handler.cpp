// The protocol logic without sockets: what reaches the store, what is refused and counted,
// and what the reply holds.
#include <gtest/gtest.h>

#include <random>

#include "host/registration/registration_handler.hpp"
#include "host/table/allow_list.hpp"
#include "tests/registration/fake_membership_store.hpp"
#include "tests/registration/hex_bytes.hpp"
#include "tests/registration/vtep_test_client.hpp"

namespace vxsn {
namespace {

using test::client_decode;
using test::client_encode;
using test::ClientRefresh;
using test::hex;

IpAddr ip(const char* text) {
  return *IpAddr::parse(text);
}

struct ManualClock {
  std::chrono::steady_clock::time_point now{};
  SteadyNow fn() {
    return [this] { return now; };
  }
};

class RegistrationHandlerTest : public ::testing::Test {
 protected:
  std::vector<test::ClientReply> handle(const std::vector<uint8_t>& d, const char* source) {
    std::vector<test::ClientReply> out;
    for (const auto& reply : handler.handle(d, ip(source), 1472)) {
      auto r = client_decode(reply);
      EXPECT_TRUE(r.has_value());
      if (r) out.push_back(*r);
    }
    return out;
  }

  test::FakeMembershipStore store;
  ManualClock clock;
  RegistrationHandler handler{store, RegistrationHandlerConfig{}, clock.fn()};
};

TEST_F(RegistrationHandlerTest, RegistersThePayloadAddressesNotTheSource) {
  ClientRefresh r;
  r.identifier = 42;
  r.holdtime = 30;
  r.response_type = 0;
  r.vteps = {{100, {{10, 0, 0, 1}}, {}}, {200, {{10, 0, 0, 1}, {10, 0, 0, 9}}, {}}};
  EXPECT_TRUE(handle(client_encode(r), "192.0.2.7").empty());  // response_type 0: no reply
  const auto calls = store.calls();
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[0].vni, 100u);
  EXPECT_EQ(calls[0].vtep, ip("10.0.0.1"));
  EXPECT_EQ(calls[0].identifier, 42u);
  EXPECT_EQ(calls[0].holdtime, 30u);
  EXPECT_EQ(calls[0].requester, ip("192.0.2.7"));
  EXPECT_EQ(calls[2].vtep, ip("10.0.0.9"));
  const auto c = handler.counters();
  EXPECT_EQ(c.received, 1u);
  EXPECT_EQ(c.decoded, 1u);
  EXPECT_EQ(c.applied, 3u);
}

TEST_F(RegistrationHandlerTest, AddressesNoMemberMayHaveAreRefusedAndCounted) {
  // Loopback, multicast, unspecified and broadcast VTEPs would send copies to the node
  // itself, to a group, or nowhere; the valid address in the same record still registers.
  ClientRefresh r;
  r.response_type = 0;
  r.vteps = {{100,
              {{127, 0, 0, 1}, {224, 0, 0, 5}, {0, 0, 0, 0}, {255, 255, 255, 255}, {10, 0, 0, 1}},
              {}}};
  handle(client_encode(r), "10.0.0.1");
  const auto calls = store.calls();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].vtep, ip("10.0.0.1"));
  EXPECT_EQ(handler.counters().refused_bad_address, 4u);
  EXPECT_EQ(handler.counters().applied, 1u);
}

TEST_F(RegistrationHandlerTest, Ipv4MappedVtepsRegisterAsIpv4AndAreJudgedAsSuch) {
  // The version-4 extension carries IPv6 VTEPs; an IPv4-mapped one is the IPv4 address.
  const test::Ipv6 mapped{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 7};
  const test::Ipv6 mapped_loopback{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1};
  ClientRefresh r;
  r.version = 4;
  r.response_type = 0;
  r.vteps = {{100, {}, {mapped, mapped_loopback}}};
  handle(client_encode(r), "10.0.0.7");
  const auto calls = store.calls();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].vtep, ip("10.0.0.7"));
  EXPECT_TRUE(calls[0].vtep.is_v4());
  EXPECT_EQ(handler.counters().refused_bad_address, 1u);
}

TEST_F(RegistrationHandlerTest, ResponseType1ListsTheRequestedVnisOnly) {
  store.register_vtep(100, ip("10.0.0.2"), 0, 90, ip("10.0.0.2"));
  store.register_vtep(200, ip("10.0.0.3"), 0, 90, ip("10.0.0.3"));
  ClientRefresh r;
  r.vteps = {{100, {{10, 0, 0, 1}}, {}}};
  const auto replies = handle(client_encode(r), "10.0.0.1");
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].version, 3);
  EXPECT_EQ(replies[0].holdtime, 90u);
  const auto members = test::client_union(replies);
  EXPECT_EQ(members, (std::map<uint32_t, std::set<std::string>>{{100, {"10.0.0.1", "10.0.0.2"}}}));
}

TEST_F(RegistrationHandlerTest, V1IsAnsweredWithEveryVniOfTheSourceInV1) {
  // 10.0.0.1 is already in 200; 300 it is not in.
  store.register_vtep(200, ip("10.0.0.1"), 0, 90, ip("10.0.0.1"));
  store.register_vtep(200, ip("10.0.0.3"), 0, 90, ip("10.0.0.3"));
  store.register_vtep(300, ip("10.0.0.3"), 0, 90, ip("10.0.0.3"));
  const auto request = hex("01 01 00 01 00 5a 00 00 00 64 00 01 0a 00 00 01");
  const auto replies = handle(request, "10.0.0.1");
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].version, 1);
  EXPECT_EQ(test::client_union(replies),
            (std::map<uint32_t, std::set<std::string>>{{100, {"10.0.0.1"}},
                                                       {200, {"10.0.0.1", "10.0.0.3"}}}));
  // The same bytes from a source that is nobody's member (a spoofer's pick): the VNIs it
  // named, nothing of the rest of the table.
  EXPECT_EQ(test::client_union(handle(request, "192.0.2.9")),
            (std::map<uint32_t, std::set<std::string>>{{100, {"10.0.0.1"}}}));
}

TEST_F(RegistrationHandlerTest, TheReplyHoldsTheOwnAddressEvenWhenTheTableIsFull) {
  test::FakeMembershipStore full(1);
  RegistrationHandler h(full, {}, clock.fn());
  full.register_vtep(100, ip("10.0.0.2"), 0, 90, ip("10.0.0.2"));
  ClientRefresh r;
  r.vteps = {{100, {{10, 0, 0, 1}}, {}}};
  const auto replies = h.handle(client_encode(r), ip("10.0.0.1"), 1472);
  EXPECT_EQ(h.counters().refused_limit, 1u);
  EXPECT_EQ(h.counters().applied, 0u);
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(test::client_union({*client_decode(replies[0])}).at(100),
            (std::set<std::string>{"10.0.0.1", "10.0.0.2"}));
  EXPECT_EQ(full.members(100), std::vector<IpAddr>{ip("10.0.0.2")});
}

TEST_F(RegistrationHandlerTest, WithdrawalIsCountedAndLeavesTheList) {
  ClientRefresh r;
  r.identifier = 5;
  r.vteps = {{100, {{10, 0, 0, 1}}, {}}};
  handle(client_encode(r), "10.0.0.1");
  EXPECT_EQ(store.members(100), std::vector<IpAddr>{ip("10.0.0.1")});
  r.holdtime = 0;
  const auto replies = handle(client_encode(r), "10.0.0.1");
  EXPECT_TRUE(store.members(100).empty());
  EXPECT_EQ(handler.counters().withdrawn, 1u);
  EXPECT_EQ(handler.counters().applied, 2u);
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_TRUE(test::client_union(replies).at(100).empty());
}

TEST_F(RegistrationHandlerTest, EveryMalformedDatagramIsCountedByReasonAndTouchesNothing) {
  const std::vector<uint8_t> bad[] = {
      hex("03"),                                               // truncated
      hex("07 01 08 01"),                                      // version 7
      hex("03 02 08 01"),                                      // PROXY
      hex("03 03 08 01"),                                      // SYNC
      hex("03 01 2a 05 08 64 12 03 0a"),                       // protobuf cut short
      hex("01 01 00 01 00 5a 00 00 00 64 00 09 0a 00 00 01"),  // 9 addresses announced, 1 sent
  };
  for (const auto& bytes : bad) EXPECT_TRUE(handle(bytes, "10.0.0.1").empty());
  const auto counted = handler.counters();
  EXPECT_EQ(counted.malformed_by(RefreshDecodeError::kTruncated), 1u);
  EXPECT_EQ(counted.malformed_by(RefreshDecodeError::kBadVersion), 1u);
  EXPECT_EQ(counted.malformed_by(RefreshDecodeError::kTypeNotServed), 2u);
  EXPECT_EQ(counted.malformed_by(RefreshDecodeError::kBadProtobuf), 1u);
  EXPECT_EQ(counted.malformed_by(RefreshDecodeError::kCountOverrun), 1u);
  EXPECT_TRUE(store.calls().empty());
  const auto c = handler.counters();
  EXPECT_EQ(c.received, 6u);
  EXPECT_EQ(c.decoded, 0u);
  EXPECT_EQ(c.malformed_total(), 6u);
}

TEST(RegistrationHandler, DatagramsOverTheConfiguredSizeAreOversized) {
  test::FakeMembershipStore store;
  RegistrationHandlerConfig config;
  config.max_request_bytes = 100;
  RegistrationHandler h(store, config);
  ClientRefresh r;
  r.vteps = {{100, {}, {}}};
  for (int i = 0; i < 30; ++i) r.vteps[0].v4.push_back({10, 0, 0, static_cast<uint8_t>(i)});
  EXPECT_TRUE(h.handle(client_encode(r), ip("10.0.0.1"), 1472).empty());
  EXPECT_EQ(h.counters().malformed_by(RefreshDecodeError::kOversized), 1u);
  EXPECT_TRUE(store.calls().empty());
}

TEST_F(RegistrationHandlerTest, AllowListRefusesStrangersAndOutsideAddresses) {
  IpPrefix lab = *IpPrefix::parse("10.0.0.0/24");
  auto allow = std::make_shared<AllowList>(std::vector<AllowRule>{{VniRange{100, 199}, {lab}}},
                                           /*allow_unlisted_vnis=*/false);
  handler.set_access_check(
      [allow](uint32_t vni, const IpAddr& a) { return allow->allows(vni, a); });

  ClientRefresh r;
  r.vteps = {{100, {{10, 0, 0, 5}}, {}}};
  // A stranger can neither register a lab address nor read the VNI.
  EXPECT_TRUE(handle(client_encode(r), "192.168.1.1").empty());
  EXPECT_EQ(handler.counters().refused_not_allowed, 1u);
  EXPECT_TRUE(store.calls().empty());
  // Nor withdraw one.
  store.register_vtep(100, ip("10.0.0.5"), 0, 90, ip("10.0.0.5"));
  r.holdtime = 0;
  handle(client_encode(r), "192.168.1.1");
  EXPECT_EQ(store.members(100), std::vector<IpAddr>{ip("10.0.0.5")});
  EXPECT_EQ(handler.counters().refused_not_allowed, 2u);

  // An allowed requester may not register an address outside the prefix...
  r.holdtime = 90;
  r.vteps = {{100, {{10, 0, 0, 6}, {10, 9, 9, 9}}, {}}, {300, {{10, 0, 0, 6}}, {}}};
  const auto replies = handle(client_encode(r), "10.0.0.6");
  EXPECT_EQ(handler.counters().refused_not_allowed, 4u);  // 10.9.9.9 in 100; VNI 300
  EXPECT_EQ(store.members(100), (std::vector<IpAddr>{ip("10.0.0.5"), ip("10.0.0.6")}));
  EXPECT_TRUE(store.members(300).empty());
  // ...and its reply lists only what it may see.
  EXPECT_EQ(test::client_union(replies),
            (std::map<uint32_t, std::set<std::string>>{{100, {"10.0.0.5", "10.0.0.6"}}}));
}

TEST(RegistrationHandler, EachSourceHasItsOwnTokenBucket) {
  test::FakeMembershipStore store;
  ManualClock clock;
  RegistrationHandlerConfig config;
  config.rate = RateLimit{1.0, 2.0};
  RegistrationHandler h(store, config, clock.fn());
  ClientRefresh r;
  r.vteps = {{100, {{10, 0, 0, 1}}, {}}};
  const auto d = client_encode(r);
  EXPECT_FALSE(h.handle(d, ip("10.0.0.1"), 1472).empty());
  EXPECT_FALSE(h.handle(d, ip("10.0.0.1"), 1472).empty());
  EXPECT_TRUE(h.handle(d, ip("10.0.0.1"), 1472).empty());  // burst of 2 spent
  EXPECT_EQ(h.counters().refused_datagram_rate, 1u);
  EXPECT_EQ(h.counters().refused_rate, 0u) << "the table's registration rate is another limit";
  EXPECT_FALSE(h.handle(d, ip("10.0.0.2"), 1472).empty());  // another source is not affected
  clock.now += std::chrono::seconds(1);
  EXPECT_FALSE(h.handle(d, ip("10.0.0.1"), 1472).empty());  // one token back after a second
  EXPECT_TRUE(h.handle(d, ip("10.0.0.1"), 1472).empty());
  EXPECT_EQ(h.counters().refused_datagram_rate, 2u);
  EXPECT_EQ(store.calls().size(), 4u);
}

TEST_F(RegistrationHandlerTest, OnlyAVersion4RequesterSeesIpv6Members) {
  test::Ipv6 v6{};
  v6[0] = 0xfd;
  v6[15] = 0x01;
  ClientRefresh r{4, true, 90, 1, 0, {{100, {{10, 0, 0, 1}}, {v6}}}};
  auto replies = handle(client_encode(r), "10.0.0.1");
  EXPECT_EQ(store.members(100), (std::vector<IpAddr>{ip("10.0.0.1"), ip("fd00::1")}));
  EXPECT_EQ(test::client_union(replies),
            (std::map<uint32_t, std::set<std::string>>{{100, {"10.0.0.1", "fd00::1"}}}));
  for (uint8_t version : {1, 2, 3}) {
    replies = handle(client_encode(ClientRefresh{version, true, 90, 2, 0, {}}), "10.0.0.1");
    ASSERT_EQ(replies.size(), 1u);
    EXPECT_EQ(replies[0].version, version);
    EXPECT_EQ(test::client_union(replies),
              (std::map<uint32_t, std::set<std::string>>{{100, {"10.0.0.1"}}}));
  }
}

TEST(RegistrationHandler, HoldtimesAboveTheCapAreClampedAndCounted) {
  test::FakeMembershipStore store;
  RegistrationHandlerConfig config;
  config.limits.max_holdtime_s = 300;
  RegistrationHandler h(store, config);
  for (uint32_t asked : {300u, 301u, 65534u, kHoldtimeForever, kHoldtimeWithdraw}) {
    ClientRefresh r{3, true, asked, 0, 1, {{100, {{10, 0, 0, 1}}, {}}}};
    h.handle(client_encode(r), ip("10.0.0.1"), 1472);
  }
  const auto calls = store.calls();
  ASSERT_EQ(calls.size(), 5u);
  EXPECT_EQ(calls[0].holdtime, 300u);
  EXPECT_EQ(calls[1].holdtime, 300u);
  EXPECT_EQ(calls[2].holdtime, 300u);
  EXPECT_EQ(calls[3].holdtime, 300u);  // "never expires" too: everything registered ages out
  EXPECT_EQ(calls[4].holdtime, 0u);    // a withdrawal stays one
  EXPECT_EQ(h.counters().holdtime_clamped, 3u);
}

// One VNI record per VNI in 100.., each registering `vtep`.
ClientRefresh spread(uint64_t identifier, test::Ipv4 vtep, uint32_t first_vni, int vnis) {
  ClientRefresh r{3, true, 90, 0, identifier, {}};
  for (int i = 0; i < vnis; ++i)
    r.vteps.push_back({first_vni + static_cast<uint32_t>(i), {vtep}, {}});
  return r;
}

TEST(RegistrationHandler, RegistrationsPerIdentifierAreBoundedAndRefusedByReason) {
  test::FakeMembershipStore store;
  ManualClock clock;
  RegistrationHandlerConfig config;
  config.limits.quota = {.per_identifier = 3, .per_source = 100};
  RegistrationHandler h(store, config, clock.fn());
  h.handle(client_encode(spread(7, {10, 0, 0, 1}, 100, 5)), ip("10.0.0.1"), 1472);
  EXPECT_EQ(h.counters().applied, 3u);
  EXPECT_EQ(h.counters().refused_identifier_limit, 2u);
  EXPECT_EQ(store.vnis(), (std::vector<uint32_t>{100, 101, 102}));
  // Refreshing what it holds is no new registration; a new address replacing its old one in
  // a VNI (vxrd's address changed) takes no more room either.
  h.handle(client_encode(spread(7, {10, 0, 0, 1}, 100, 3)), ip("10.0.0.1"), 1472);
  h.handle(client_encode(spread(7, {10, 0, 0, 2}, 100, 1)), ip("10.0.0.2"), 1472);
  EXPECT_EQ(h.counters().applied, 7u);
  EXPECT_EQ(h.counters().refused_identifier_limit, 2u);
  EXPECT_EQ(store.members(100), std::vector<IpAddr>{ip("10.0.0.2")});
  // Another identifier has its own room.
  h.handle(client_encode(spread(8, {10, 0, 0, 1}, 200, 3)), ip("10.0.0.1"), 1472);
  EXPECT_EQ(h.counters().refused_identifier_limit, 2u);
  // A withdrawal frees its place at once.
  ClientRefresh withdraw = spread(7, {10, 0, 0, 1}, 101, 1);
  withdraw.holdtime = 0;
  h.handle(client_encode(withdraw), ip("10.0.0.1"), 1472);
  h.handle(client_encode(spread(7, {10, 0, 0, 1}, 110, 2)), ip("10.0.0.1"), 1472);
  EXPECT_EQ(h.counters().refused_identifier_limit, 3u);  // 110 taken, 111 refused
  // Expiry frees the rest: past the holdtime every place is free again.
  clock.now += std::chrono::seconds(91);
  h.handle(client_encode(spread(7, {10, 0, 0, 1}, 300, 3)), ip("10.0.0.1"), 1472);
  EXPECT_EQ(h.counters().refused_identifier_limit, 3u);
}

TEST(RegistrationHandler, RegistrationsPerSourceAreBoundedWhateverTheIdentifier) {
  test::FakeMembershipStore store;
  RegistrationHandlerConfig config;
  config.limits.quota = {.per_identifier = 100, .per_source = 4};
  RegistrationHandler h(store, config);
  // A spoofer rotating identifiers (or sending none) from one address gets 4 places in all.
  for (uint64_t id : {0u, 1u, 2u}) {
    h.handle(client_encode(spread(id, {10, 0, 0, static_cast<uint8_t>(id + 1)}, 100, 2)),
             ip("192.0.2.66"), 1472);
  }
  EXPECT_EQ(h.counters().applied, 4u);
  EXPECT_EQ(h.counters().refused_source_limit, 2u);
  EXPECT_EQ(h.counters().refused_identifier_limit, 0u);
  // Other sources are not affected.
  h.handle(client_encode(spread(9, {10, 0, 0, 9}, 100, 2)), ip("10.0.0.9"), 1472);
  EXPECT_EQ(h.counters().applied, 6u);
}

TEST(RegistrationHandler, TheServerTracksNoMoreRegistrationsThanItsTotal) {
  test::FakeMembershipStore store;
  RegistrationHandlerConfig config;
  config.limits.quota = {.per_identifier = 100, .per_source = 100, .total = 5};
  RegistrationHandler h(store, config);
  h.handle(client_encode(spread(1, {10, 0, 0, 1}, 100, 3)), ip("10.0.0.1"), 1472);
  h.handle(client_encode(spread(2, {10, 0, 0, 2}, 100, 3)), ip("10.0.0.2"), 1472);
  EXPECT_EQ(h.counters().applied, 5u);
  EXPECT_EQ(h.counters().refused_tracking_full, 1u);
}

TEST_F(RegistrationHandlerTest, LimitsChangeOnAReload) {
  RegistrationLimits limits;
  limits.reply_holdtime_s = 45;
  limits.max_holdtime_s = 60;
  handler.set_limits(limits);
  const auto replies = handle(
      client_encode(ClientRefresh{3, true, 90, 1, 1, {{100, {{10, 0, 0, 1}}, {}}}}), "10.0.0.1");
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].holdtime, 45u);
  EXPECT_EQ(store.calls().at(0).holdtime, 60u);
}

TEST_F(RegistrationHandlerTest, ARepliesBytesStayWithinTheFactorOfItsRequest) {
  // VNI 100 with 200 members; a request naming it (with the requester's own address) is a
  // few dozen bytes, its whole answer ~2 KB.
  for (int i = 0; i < 200; ++i) {
    const uint8_t b[4] = {10, 1, 0, static_cast<uint8_t>(i + 1)};
    store.register_vtep(100, IpAddr::v4(b), 0, 90, IpAddr::v4(b));
  }
  for (uint8_t version : {1, 2, 3, 4}) {
    SCOPED_TRACE(int{version});
    const auto request =
        client_encode(ClientRefresh{version, true, 90, 1, 0, {{100, {{10, 0, 0, 1}}, {}}}});
    const auto before = handler.counters().replies_truncated;
    size_t reply_bytes = 0;
    for (const auto& d : handler.handle(request, ip("10.0.0.1"), 1472)) {
      reply_bytes += d.size();
      const auto r = client_decode(d);
      ASSERT_TRUE(r.has_value());
      for (const auto& [vni, members] : r->records)
        EXPECT_NE(std::find(members.begin(), members.end(), "10.0.0.1"), members.end());
    }
    EXPECT_GT(reply_bytes, 0u);
    EXPECT_LE(reply_bytes, kDefaultMaxReplyFactor * request.size());
    EXPECT_EQ(handler.counters().replies_truncated, before + 1);
  }
}

TEST_F(RegistrationHandlerTest, RandomBytesAreAlwaysAccountedFor) {
  std::mt19937 rng(12345);
  const auto seed = client_encode(ClientRefresh{3, true, 90, 1, 9, {{100, {{10, 0, 0, 1}}, {}}}});
  for (int i = 0; i < 5000; ++i) {
    std::vector<uint8_t> d = seed;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < flips; ++f) d[rng() % d.size()] = static_cast<uint8_t>(rng());
    if (rng() % 3 == 0) d.resize(rng() % (d.size() + 1));
    handler.handle(d, ip("10.0.0.1"), 1472);
  }
  const auto c = handler.counters();
  EXPECT_EQ(c.received, 5000u);
  EXPECT_EQ(c.decoded + c.malformed_total(), 5000u);
  EXPECT_GT(c.malformed_total(), 0u);
}

}  // namespace
}  // namespace vxsn
