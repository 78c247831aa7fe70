// NextHopResolver against a real kernel: the test thread enters a namespace "r" wired by veths
// to a peer namespace "p" (on-link neighbour) and a gateway namespace "g", and the resolver
// must report the MACs the test assigned to those interfaces.
#include <gtest/gtest.h>
#include <net/if.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <sstream>
#include <thread>

#include "host/nexthop/next_hop_resolver.hpp"
#include "tests/nexthop/netns_sandbox.hpp"

namespace vxsn {
namespace {

using testing::BackgroundCommand;
using testing::capture;
using testing::eventually;
using testing::netns_id_of_task;
using testing::NetnsSandbox;
using testing::run;

IpAddr ip(const char* text) {
  return *IpAddr::parse(text);
}
MacAddr mac(const char* text) {
  return *MacAddr::parse(text);
}

unsigned long inode_of(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 ? st.st_ino : 0;
}

// Chosen by the test and written to the interfaces, so the expected answers do not come from
// the code under test.
constexpr const char* kPeerMac = "02:4e:48:00:00:02";
constexpr const char* kPeerNewMac = "02:4e:48:00:00:12";
constexpr const char* kGatewayMac = "02:4e:48:00:00:03";

class NextHopResolverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static int instance = 0;
    // Short and unique: interface names stay within IFNAMSIZ (15) with a 7-digit pid.
    prefix_ = "vxnh" + std::to_string(getpid()) + static_cast<char>('a' + instance++ % 26);
    ns_r_ = prefix_ + "r";
    ns_p_ = prefix_ + "p";
    ns_g_ = prefix_ + "g";
    if_r_to_p_ = prefix_ + "r0";
    if_p_ = prefix_ + "p0";
    if_r_to_g_ = prefix_ + "r1";
    if_g_ = prefix_ + "g0";

    ASSERT_TRUE(sandbox_.add(ns_r_));
    ASSERT_TRUE(sandbox_.add(ns_p_));
    ASSERT_TRUE(sandbox_.add(ns_g_));
    const std::vector<std::string> wiring = {
        "ip link add " + if_r_to_p_ + " netns " + ns_r_ + " type veth peer name " + if_p_ +
            " netns " + ns_p_,
        "ip link add " + if_r_to_g_ + " netns " + ns_r_ + " type veth peer name " + if_g_ +
            " netns " + ns_g_,
        in(ns_p_, "ip link set dev " + if_p_ + " address " + kPeerMac),
        in(ns_g_, "ip link set dev " + if_g_ + " address " + kGatewayMac),
        in(ns_r_, "ip addr add 10.77.1.1/24 dev " + if_r_to_p_),
        in(ns_r_, "ip addr add fd77:1::1/64 dev " + if_r_to_p_ + " nodad"),
        in(ns_r_, "ip addr add 10.77.2.1/24 dev " + if_r_to_g_),
        in(ns_p_, "ip addr add 10.77.1.2/24 dev " + if_p_),
        in(ns_p_, "ip addr add fd77:1::2/64 dev " + if_p_ + " nodad"),
        in(ns_g_, "ip addr add 10.77.2.2/24 dev " + if_g_),
        in(ns_r_, "ip link set dev " + if_r_to_p_ + " up"),
        in(ns_r_, "ip link set dev " + if_r_to_g_ + " up"),
        in(ns_p_, "ip link set dev " + if_p_ + " up"),
        in(ns_g_, "ip link set dev " + if_g_ + " up"),
        in(ns_r_, "ip route add 10.77.9.0/24 via 10.77.2.2"),
    };
    for (const std::string& command : wiring) ASSERT_EQ(run(command), 0) << command;
    ASSERT_TRUE(sandbox_.enter(ns_r_));
  }

  void TearDown() override {
    resolver_.reset();  // its thread and sockets belong to ns_r_
    sandbox_.leave();
  }

  static std::string in(const std::string& ns, const std::string& command) {
    return "ip -n " + ns + " " + command.substr(3);  // "ip link ..." -> "ip -n NS link ..."
  }

  NextHopResolver& start_resolver(std::vector<IpAddr> targets) {
    resolver_ = std::make_unique<NextHopResolver>([this] { ++changes_; });
    resolver_->start();
    resolver_->set_targets(std::move(targets));
    return *resolver_;
  }

  bool resolves_to(const IpAddr& target, const MacAddr& expected) {
    return eventually([&] {
      auto nh = resolver_->lookup(target);
      return nh && nh->resolved && nh->mac == expected;
    });
  }

  std::string neighbour_entry(const std::string& addr, const std::string& dev) {
    return capture(in(ns_r_, "ip neigh show " + addr + " dev " + dev));
  }

  NetnsSandbox sandbox_;
  std::unique_ptr<NextHopResolver> resolver_;
  std::atomic<int> changes_{0};
  std::string prefix_, ns_r_, ns_p_, ns_g_, if_r_to_p_, if_p_, if_r_to_g_, if_g_;
};

TEST_F(NextHopResolverTest, OnLinkIpv4TargetResolvesToPeerMacWithoutAnyTrafficFromUs) {
  // Nothing has talked to the peer yet, so only the resolver's NTF_USE request can make the
  // kernel ARP for it.
  ASSERT_EQ(neighbour_entry("10.77.1.2", if_r_to_p_), "");
  const IpAddr target = ip("10.77.1.2");
  auto& resolver = start_resolver({target});

  ASSERT_TRUE(resolves_to(target, mac(kPeerMac)));
  auto nh = resolver.lookup(target);
  EXPECT_EQ(nh->via, target);
  EXPECT_EQ(nh->ifname, if_r_to_p_);
  EXPECT_EQ(nh->ifindex, static_cast<int>(if_nametoindex(if_r_to_p_.c_str())));
  EXPECT_GE(changes_.load(), 1);
  EXPECT_NE(neighbour_entry("10.77.1.2", if_r_to_p_).find(kPeerMac), std::string::npos);
}

TEST_F(NextHopResolverTest, OnLinkIpv6TargetResolvesToPeerMac) {
  const IpAddr target = ip("fd77:1::2");
  auto& resolver = start_resolver({target});

  ASSERT_TRUE(resolves_to(target, mac(kPeerMac)));
  auto nh = resolver.lookup(target);
  EXPECT_EQ(nh->via, target);
  EXPECT_EQ(nh->ifname, if_r_to_p_);
}

TEST_F(NextHopResolverTest, TargetBehindGatewayResolvesToGatewayMac) {
  const IpAddr target = ip("10.77.9.5");
  auto& resolver = start_resolver({target});

  ASSERT_TRUE(resolves_to(target, mac(kGatewayMac)));
  auto nh = resolver.lookup(target);
  EXPECT_EQ(nh->via, ip("10.77.2.2"));
  EXPECT_EQ(nh->ifname, if_r_to_g_);
  EXPECT_EQ(nh->ifindex, static_cast<int>(if_nametoindex(if_r_to_g_.c_str())));
}

TEST_F(NextHopResolverTest, TargetsWithoutRouteAreUnresolved) {
  const IpAddr no_route_v4 = ip("10.99.0.1");
  const IpAddr no_route_v6 = ip("fd99::1");
  const IpAddr reachable = ip("10.77.1.2");
  auto& resolver = start_resolver({no_route_v4, no_route_v6, reachable});

  // The reachable target needs an ARP round trip, so once it resolves the resolver has been
  // through every target at least once.
  ASSERT_TRUE(resolves_to(reachable, mac(kPeerMac)));
  for (const IpAddr& target : {no_route_v4, no_route_v6}) {
    auto nh = resolver.lookup(target);
    ASSERT_TRUE(nh.has_value()) << target.to_string();
    EXPECT_FALSE(nh->resolved) << target.to_string();
    EXPECT_TRUE(nh->mac.is_zero()) << target.to_string();
    EXPECT_EQ(nh->ifindex, 0) << target.to_string();
  }
  EXPECT_EQ(resolver.all().size(), 3u);
}

// Targets without a route are not polled; the route appearing (an rtnetlink event) is what
// resolves them.
TEST_F(NextHopResolverTest, ATargetWithoutRouteResolvesOnceARouteToItAppears) {
  const IpAddr target = ip("10.77.8.5");
  auto& resolver = start_resolver({target, ip("10.77.1.2")});
  ASSERT_TRUE(resolves_to(ip("10.77.1.2"), mac(kPeerMac)));
  ASSERT_EQ(resolver.lookup(target)->ifindex, 0) << "no route yet";
  ASSERT_EQ(run(in(ns_r_, "ip route add 10.77.8.0/24 via 10.77.2.2")), 0);
  EXPECT_TRUE(resolves_to(target, mac(kGatewayMac)));
}

// Members behind a gateway that never answers are retried by asking about the gateway once
// for all of them, on the retry tick and on each change of its neighbour entry (INCOMPLETE,
// FAILED): their route is known (a route change is an event), so neither a route query nor
// a neighbour query per member.
TEST_F(NextHopResolverTest, MembersBehindASilentGatewayCostOneNeighbourQueryPerRetryTick) {
  ASSERT_EQ(run(in(ns_r_, "ip route add 10.77.7.0/24 via 10.77.2.50")), 0);  // nobody there
  std::vector<IpAddr> members;
  for (int i = 1; i <= 40; ++i) members.push_back(ip(("10.77.7." + std::to_string(i)).c_str()));
  auto& resolver = start_resolver(members);
  ASSERT_TRUE(eventually([&] {
    for (const IpAddr& m : members) {
      auto nh = resolver.lookup(m);
      if (!nh || nh->ifindex == 0) return false;
    }
    return true;
  })) << "every member's route looked at";
  // A fresh namespace's IPv6 link-local addresses and routes appear a second or two after
  // its links come up, and each is an event that rightly asks about every target again:
  // measure once two retry ticks have passed without one.
  ASSERT_TRUE(eventually(
      [&] {
        const auto from = resolver.activity();
        while (resolver.activity().retry_passes < from.retry_passes + 2)
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
        return resolver.activity().full_passes == from.full_passes;
      },
      std::chrono::seconds(30)));
  const auto before = resolver.activity();
  ASSERT_TRUE(
      eventually([&] { return resolver.activity().retry_passes >= before.retry_passes + 3; }));
  const auto after = resolver.activity();
  const uint64_t ticks = after.retry_passes - before.retry_passes;
  ASSERT_EQ(after.full_passes, before.full_passes) << "a route, link or address changed";
  EXPECT_EQ(after.route_queries, before.route_queries);
  // A query a tick and one per neighbour state change (at most one of those a tick): what the
  // 40 members cost does not grow with them (it was 40 route and 40 neighbour queries a tick,
  // and as many again per state change).
  const uint64_t queries = after.neighbour_queries - before.neighbour_queries;
  EXPECT_GE(queries, ticks - 1);  // a tick counted before its query
  EXPECT_LE(queries, 2 * (ticks + 1));
  for (const IpAddr& m : members) {
    auto nh = resolver.lookup(m);
    EXPECT_FALSE(nh->resolved) << m.to_string();
    EXPECT_EQ(nh->via, ip("10.77.2.50")) << m.to_string();
    EXPECT_EQ(nh->ifname, if_r_to_g_) << m.to_string();
  }
  // The gateway appearing resolves every one of them.
  ASSERT_EQ(run(in(ns_g_, "ip addr add 10.77.2.50/24 dev " + if_g_)), 0);
  for (const IpAddr& m : members) EXPECT_TRUE(resolves_to(m, mac(kGatewayMac))) << m.to_string();
}

TEST_F(NextHopResolverTest, OnLinkAddressNobodyAnswersIsUnresolved) {
  // The kernel reports FAILED once it has probed (on the resolver's request) without an answer.
  // The entry stays FAILED only until the next retry, so watch notifications, not the table.
  BackgroundCommand monitor(in(ns_r_, "ip monitor neigh"), "/tmp/" + prefix_ + "-neigh.log");
  ASSERT_TRUE(monitor.running());
  const IpAddr silent = ip("10.77.1.50");
  auto& resolver = start_resolver({silent});

  ASSERT_TRUE(eventually([&] {
    std::istringstream lines(monitor.output());
    for (std::string line; std::getline(lines, line);)
      if (line.starts_with("10.77.1.50 ") && line.find("FAILED") != std::string::npos) return true;
    return false;
  })) << monitor.output();
  auto nh = resolver.lookup(silent);
  ASSERT_TRUE(nh.has_value());
  EXPECT_FALSE(nh->resolved);
  EXPECT_TRUE(nh->mac.is_zero());
  EXPECT_EQ(nh->via, silent);
  EXPECT_EQ(nh->ifname, if_r_to_p_);
}

TEST_F(NextHopResolverTest, PeerMacChangeFiresOnChangeAndUpdatesLookup) {
  const IpAddr target = ip("10.77.1.2");
  auto& resolver = start_resolver({target});
  ASSERT_TRUE(resolves_to(target, mac(kPeerMac)));
  const int changes_before = changes_.load();

  ASSERT_EQ(run(in(ns_p_, "ip link set dev " + if_p_ + " address " + kPeerNewMac)), 0);
  // The kernel would only notice after its reachability timer; deleting the entry forces a
  // new ARP. (`ip neigh flush` can lose a race with the resolver re-adding the entry.)
  ASSERT_EQ(run(in(ns_r_, "ip neigh del 10.77.1.2 dev " + if_r_to_p_)), 0);

  ASSERT_TRUE(resolves_to(target, mac(kPeerNewMac)));
  EXPECT_GT(changes_.load(), changes_before);
  EXPECT_EQ(resolver.lookup(target)->ifname, if_r_to_p_);
}

TEST_F(NextHopResolverTest, RouteChangeToAnotherGatewayFiresOnChangeAndUpdatesLookup) {
  const IpAddr target = ip("10.77.9.5");
  auto& resolver = start_resolver({target});
  ASSERT_TRUE(resolves_to(target, mac(kGatewayMac)));
  const int changes_before = changes_.load();

  ASSERT_EQ(run(in(ns_r_, "ip route replace 10.77.9.0/24 via 10.77.1.2")), 0);

  ASSERT_TRUE(resolves_to(target, mac(kPeerMac)));
  EXPECT_GT(changes_.load(), changes_before);
  auto nh = resolver.lookup(target);
  EXPECT_EQ(nh->via, ip("10.77.1.2"));
  EXPECT_EQ(nh->ifname, if_r_to_p_);
}

TEST_F(NextHopResolverTest, OnlyTrackedTargetsHaveResults) {
  const IpAddr a = ip("10.77.1.2");
  const IpAddr b = ip("10.77.9.5");
  auto& resolver = start_resolver({a});

  EXPECT_TRUE(resolver.lookup(a).has_value());
  EXPECT_FALSE(resolver.lookup(b).has_value());

  resolver.set_targets({b});
  EXPECT_FALSE(resolver.lookup(a).has_value());
  ASSERT_TRUE(resolves_to(b, mac(kGatewayMac)));
  ASSERT_EQ(resolver.all().size(), 1u);
  EXPECT_EQ(resolver.all()[0].first, b);
}

// By difference: an added target is resolved promptly like a new one, a kept one keeps its
// answer (no new lookup needed), a removed one is no longer tracked.
TEST_F(NextHopResolverTest, UpdatedTargetsAddResolveAndRemoveByDifference) {
  const IpAddr a = ip("10.77.1.2");
  const IpAddr b = ip("10.77.9.5");
  auto& resolver = start_resolver({a});
  ASSERT_TRUE(resolves_to(a, mac(kPeerMac)));

  resolver.update_targets({b}, {});
  ASSERT_TRUE(resolves_to(b, mac(kGatewayMac)));
  EXPECT_TRUE(resolver.lookup(a)->resolved);

  resolver.update_targets({a}, {b, ip("10.77.9.6")});  // a again: kept as it is
  EXPECT_FALSE(resolver.lookup(b).has_value());
  ASSERT_TRUE(resolver.lookup(a).has_value());
  EXPECT_TRUE(resolver.lookup(a)->resolved);
  ASSERT_EQ(resolver.all().size(), 1u);
}

TEST_F(NextHopResolverTest, ResolverThreadRunsInTheNamespaceOfTheThreadThatStartedIt) {
  // The namespace file `ip netns add` bind-mounted has the namespace's inode number.
  const unsigned long ns_r_inode = inode_of("/var/run/netns/" + ns_r_);
  ASSERT_NE(ns_r_inode, 0u);
  const std::string ns_r_id = "net:[" + std::to_string(ns_r_inode) + "]";
  start_resolver({ip("10.77.1.2")});

  int threads = 0;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    ++threads;
    EXPECT_EQ(netns_id_of_task(task.path().string() + "/ns/net"), ns_r_id) << task.path();
  }
  EXPECT_GE(threads, 2);  // the test thread and the resolver thread
}

}  // namespace
}  // namespace vxsn
