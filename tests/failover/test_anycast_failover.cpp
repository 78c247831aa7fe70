// Anycast failover: three vxsnd nodes announce one service address over BGP through
// vxsn-health; the router spreads VTEP floods over them. A node whose vxsnd is killed or
// hung must be withdrawn while tenants keep reaching each other through the others, and
// come back when it is healthy again. The interruption is printed, never judged.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
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

  // Fails the node carrying the most flood traffic with `failure`, checks it is withdrawn
  // while pings go on through the others, then heals it (a killed vxsnd is restarted, a
  // stopped one continued) and checks it is announced again.
  void fail_node_and_recover(const std::string& failure) {
    PingFlood flood(from_, to_, "/tmp/vxsn-failover-ping-" + std::to_string(::getpid()) + ".log");
    int victim = busiest_node();
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

    if (failure == "KILL")
      testbed_->start_node(victim);
    else
      testbed_->signal_node(victim, "CONT");
    EXPECT_TRUE(testbed_->wait_next_hops(all_nodes(), std::chrono::seconds(30)))
        << "node " << victim << " not announced again: " << joined(testbed_->router_next_hops())
        << "\n"
        << testbed_->node_log(victim);
  }

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
    SCOPED_TRACE("kill -9");
    fail_node_and_recover("KILL");
  }
  {
    SCOPED_TRACE("every tenant pair after the kill");
    for (const Tenant& a : testbed_->tenants_of(100)) {
      for (const Tenant& b : testbed_->tenants_of(100)) {
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
