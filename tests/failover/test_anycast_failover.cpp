// Anycast failover: three vxsnd nodes announce one service address over BGP through
// vxsn-health; the router spreads VTEP floods over them. The nodes replicate their flood
// table over HA and only node 1 has static members, so nodes 2 and 3 know the VTEPs only
// from node 1. Killing node 1 must leave the others serving every tenant with what they
// replicated; a node whose vxsnd is killed or hung must be withdrawn while tenants keep
// reaching each other through the others, and come back (and catch up) when it is healthy
// again. The interruption is printed, never judged.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <memory>

#include "tests/failover/anycast_testbed.hpp"

namespace vxsn::test {
namespace {

class AnycastFailover : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    try {
      testbed_ = std::make_unique<AnycastTestbed>(3, 3, 1);
    } catch (const std::exception& e) {
      setup_error_ = e.what();
    }
  }
  static void TearDownTestSuite() { testbed_.reset(); }

  void SetUp() override {
    ASSERT_TRUE(testbed_) << setup_error_;
    // Each test starts from every node announced (a previous test may have failed early).
    for (int k = 1; k <= testbed_->nodes(); ++k) testbed_->start_node(k);
    ASSERT_TRUE(testbed_->wait_next_hops(all_nodes(), std::chrono::seconds(20)))
        << "router next hops: " << joined(testbed_->router_next_hops());
    auto tenants = testbed_->tenants_of(100);
    ASSERT_GE(tenants.size(), 2u);
    from_ = tenants[0];
    to_ = tenants[1];
    ASSERT_TRUE(testbed_->ping(from_, to_, 5)) << "tenants do not reach each other at all";
  }

  static std::set<std::string> all_nodes() {
    std::set<std::string> hops;
    for (int k = 1; k <= testbed_->nodes(); ++k) hops.insert(testbed_->node_next_hop(k));
    return hops;
  }
  static std::set<std::string> all_nodes_but(int k) {
    auto hops = all_nodes();
    hops.erase(testbed_->node_next_hop(k));
    return hops;
  }
  static std::string joined(const std::set<std::string>& s) {
    std::string out;
    for (const auto& x : s) out += x + " ";
    return out.empty() ? "(none)" : out;
  }

  // Waits (generously: the host is loaded) for `condition`; nothing is judged on time.
  static bool eventually(const std::function<bool()>& condition) {
    return wait_until(condition, std::chrono::seconds(30));
  }

  // Node k lists every VTEP of the testbed as a member of VNI 100 and, if `from_peer`,
  // holds each one (only) as replicated from a peer.
  static bool holds_every_vtep(int k, bool from_peer) {
    auto members = testbed_->node_members(k, kVni);
    if (members.size() != testbed_->vtep_ips().size()) return false;
    for (const std::string& ip : testbed_->vtep_ips()) {
      auto it = members.find(ip);
      if (it == members.end()) return false;
      if (from_peer && it->second != std::set<std::string>{"peer"}) return false;
    }
    return true;
  }

  // Node k's HA peers: every other node, each in `state`.
  static bool sees_peers(int k, const std::string& state) {
    auto peers = testbed_->node_peers(k);
    if (static_cast<int>(peers.size()) != testbed_->nodes() - 1) return false;
    return std::all_of(peers.begin(), peers.end(),
                       [&](const auto& p) { return p.second == state; });
  }
  static std::string peer_state(int k, int of) {
    auto peers = testbed_->node_peers(k);
    auto it = peers.find(testbed_->node_name(of));
    return it == peers.end() ? "(not listed)" : it->second;
  }

  static std::string table_views() {
    std::string out;
    for (int k = 1; k <= testbed_->nodes(); ++k)
      out += "node " + std::to_string(k) + ":\n" + testbed_->node_ctl(k, "peers") +
             testbed_->node_ctl(k, "vtep list " + std::to_string(kVni));
    return out;
  }
  static void print_table_views(const char* when, int dead_node = 0) {
    for (int k = 1; k <= testbed_->nodes(); ++k) {
      if (k == dead_node) continue;
      std::string line;
      for (const auto& [ip, sources] : testbed_->node_members(k, kVni)) {
        line += " " + ip + "(";
        for (const auto& s : sources) line += (line.back() == '(' ? "" : ",") + s;
        line += ")";
      }
      std::printf("%s: node %d lists VNI %u:%s\n", when, k, kVni, line.c_str());
    }
  }

  // The node that received the most VXLAN frames while `flood` ran for a second.
  int busiest_node() const {
    std::vector<uint64_t> before;
    for (int k = 1; k <= testbed_->nodes(); ++k) before.push_back(testbed_->node_rx_frames(k));
    usleep(1000 * 1000);
    int best = 1;
    uint64_t best_delta = 0;
    for (int k = 1; k <= testbed_->nodes(); ++k) {
      uint64_t delta = testbed_->node_rx_frames(k) - before[k - 1];
      std::printf("node %d received %llu frames in 1 s of pinging\n", k,
                  static_cast<unsigned long long>(delta));
      if (delta > best_delta) best = k, best_delta = delta;
    }
    return best;
  }

  // The longest silence between two replies around the failure, less the 10 ms interval.
  static void print_interruption(const PingFlood& flood, double failed_at) {
    auto replies = flood.reply_times();
    double longest = 0;
    for (size_t i = 1; i < replies.size(); ++i)
      if (replies[i] > failed_at - 1 && replies[i - 1] < failed_at + 5)
        longest = std::max(longest, replies[i] - replies[i - 1]);
    int sent = flood.sent();
    std::printf(
        "flooding interrupted for %.0f ms (longest gap between replies, less the 10 ms "
        "interval); %d of %d echoes unanswered\n",
        std::max(0.0, longest - 0.010) * 1000, sent - static_cast<int>(replies.size()), sent);
  }

  // Fails node `victim` (0: the node carrying the most flood traffic) with `failure`,
  // checks it is withdrawn while pings go on through the others, runs `while_failed`, then
  // heals it (a killed vxsnd is restarted, a stopped one continued) and checks it is
  // announced again.
  void fail_node_and_recover(const std::string& failure, int victim = 0,
                             const std::function<void(int)>& while_failed = {}) {
    PingFlood flood(from_, to_, "/tmp/vxsn-failover-ping-" + std::to_string(::getpid()) + ".log");
    int busiest = busiest_node();
    if (victim == 0) victim = busiest;
    std::printf("failing node %d with SIG%s (the busiest is node %d)\n", victim, failure.c_str(),
                busiest);
    double failed_at = unix_seconds_now();
    testbed_->signal_node(victim, failure);
    bool withdrawn = testbed_->wait_next_hops(all_nodes_but(victim), std::chrono::seconds(10));
    double withdrawn_after = unix_seconds_now() - failed_at;
    EXPECT_TRUE(withdrawn) << "router still uses " << joined(testbed_->router_next_hops()) << "\n"
                           << testbed_->node_log(victim);
    if (withdrawn)
      std::printf("node %d (SIG%s) withdrawn from the router after %.0f ms\n", victim,
                  failure.c_str(), withdrawn_after * 1000);
    usleep(1500 * 1000);  // flooding goes on through the other nodes
    flood.stop();
    auto replies = flood.reply_times();
    long answered_after = std::count_if(replies.begin(), replies.end(),
                                        [&](double t) { return t > failed_at + withdrawn_after; });
    EXPECT_GT(answered_after, 0) << "no ping answered after the withdrawal";
    print_interruption(flood, failed_at);
    if (while_failed) while_failed(victim);

    if (failure == "KILL")
      testbed_->start_node(victim);
    else
      testbed_->signal_node(victim, "CONT");
    EXPECT_TRUE(testbed_->wait_next_hops(all_nodes(), std::chrono::seconds(30)))
        << "node " << victim << " not announced again: " << joined(testbed_->router_next_hops())
        << "\n"
        << testbed_->node_log(victim);
  }

  static constexpr uint32_t kVni = 100;
  static std::unique_ptr<AnycastTestbed> testbed_;
  static std::string setup_error_;
  Tenant from_, to_;
};

std::unique_ptr<AnycastTestbed> AnycastFailover::testbed_;
std::string AnycastFailover::setup_error_;

// One test for the whole story: ctest runs each test case in its own process, and
// building the testbed takes most of the time.
TEST_F(AnycastFailover, KilledAndHungNodesAreWithdrawnWhileTenantsKeepReachingEachOther) {
  EXPECT_EQ(testbed_->router_next_hops(), all_nodes()) << "ECMP over every node";
  {
    SCOPED_TRACE("replicated before the failover");
    // Node 1 has the VTEPs in its config; the others only through replication.
    bool replicated = eventually([] {
      if (!holds_every_vtep(1, false) || !sees_peers(1, "up")) return false;
      for (int k = 2; k <= testbed_->nodes(); ++k)
        if (!holds_every_vtep(k, true) || !sees_peers(k, "up")) return false;
      return true;
    });
    ASSERT_TRUE(replicated) << table_views();
    print_table_views("before the kill");
  }
  {
    SCOPED_TRACE("kill -9 node 1, the only node with static members");
    fail_node_and_recover("KILL", 1, [](int victim) {
      for (int k = 1; k <= testbed_->nodes(); ++k) {
        if (k == victim) continue;
        EXPECT_TRUE(eventually([&] { return peer_state(k, victim) == "down"; }))
            << "node " << k << " sees node " << victim << " " << peer_state(k, victim);
        EXPECT_TRUE(holds_every_vtep(k, true))
            << "node " << k << " lost replicated members:\n"
            << testbed_->node_ctl(k, "vtep list " + std::to_string(kVni));
      }
      print_table_views("node 1 dead", victim);
      // Only nodes 2..N are announced now: every tenant pair goes through them.
      for (const Tenant& a : testbed_->tenants_of(kVni)) {
        for (const Tenant& b : testbed_->tenants_of(kVni)) {
          if (a.ip == b.ip) continue;
          EXPECT_TRUE(testbed_->ping(a, b)) << a.netns << " -> " << b.ip << " with node 1 dead";
        }
      }
    });
  }
  {
    SCOPED_TRACE("node 1 caught up after its restart");
    bool caught_up = eventually([] {
      if (!holds_every_vtep(1, false) || !sees_peers(1, "up")) return false;
      for (int k = 2; k <= testbed_->nodes(); ++k)
        if (peer_state(k, 1) != "up" || !holds_every_vtep(k, true)) return false;
      return true;
    });
    EXPECT_TRUE(caught_up) << table_views();
    print_table_views("node 1 restarted");
  }
  {
    SCOPED_TRACE("every tenant pair after the kill");
    for (const Tenant& a : testbed_->tenants_of(kVni)) {
      for (const Tenant& b : testbed_->tenants_of(kVni)) {
        if (a.ip == b.ip) continue;
        EXPECT_TRUE(testbed_->ping(a, b)) << a.netns << " -> " << b.ip;
      }
    }
  }
  {
    SCOPED_TRACE("SIGSTOP (hung vxsnd)");
    fail_node_and_recover("STOP");
  }
}

}  // namespace
}  // namespace vxsn::test
