// HA end to end: three (or five) real vxsnd processes, each in its own network namespace on
// a shared bridge, replicating their flood tables over CURVE-authenticated ZeroMQ. Every
// observation goes through the nodes' management APIs (and their stats files), as an
// operator would see it. Waits have generous deadlines; delays are printed, never asserted.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <map>
#include <mutex>
#include <thread>

#include "tests/ha_e2e/ha_cluster.hpp"
#include "tests/ha_e2e/table_dump.hpp"
#include "tests/metrics/http_get.hpp"
#include "tests/metrics/prometheus_parser.hpp"

namespace vxsn::hae2e {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr int kA = 0, kB = 1, kC = 2;

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

std::string figures(std::vector<double> v) {
  if (v.empty()) return "no samples";
  std::sort(v.begin(), v.end());
  char buf[128];
  std::snprintf(buf, sizeof buf, "n=%zu median %.1f ms, p90 %.1f ms, worst %.1f ms", v.size(),
                v[v.size() / 2], v[v.size() * 9 / 10], v.back());
  return buf;
}

std::string addr(int a, int b, int c) {
  return "10." + std::to_string(a) + "." + std::to_string(b) + "." + std::to_string(c);
}

class HaClusterTest : public ::testing::Test {
 protected:
  void start_cluster(std::vector<NodeSpec> specs) {
    cluster_ = std::make_unique<HaCluster>(std::move(specs));
    for (int i = 0; i < cluster_->size(); ++i) {
      std::string why;
      ASSERT_TRUE(cluster_->start(i, &why)) << why;
    }
  }
  void start_three() { start_cluster({{"sn-a"}, {"sn-b"}, {"sn-c"}}); }
  // All three up, and one change of C's applied on A, so the peers have a sequence to show.
  void three_up_with_a_change_from_c(uint32_t vni, const std::string& member) {
    start_three();
    ASSERT_TRUE(wait_all_up(15s));
    api::Member m;
    (*api(kC))->addMember(m, static_cast<int32_t>(vni), member);
    ASSERT_TRUE(wait_for([&] { return peers_of(kA)["sn-c"].last_sequence >= 1; }, 10s));
  }

  void TearDown() override {
    if (HasFailure() && cluster_) {
      for (int i = 0; i < cluster_->size(); ++i) {
        std::string log = cluster_->log(i);
        if (log.size() > 6000) log = "..." + log.substr(log.size() - 6000);
        std::printf("==== %s log (tail) ====\n%s\n", cluster_->spec(i).name.c_str(), log.c_str());
      }
    }
  }

  HaCluster& cluster() { return *cluster_; }
  std::unique_ptr<ApiClient> api(int i) { return cluster_->client(i); }

  std::map<std::string, api::Peer> peers_of(int i) {
    std::map<std::string, api::Peer> out;
    try {
      std::vector<api::Peer> list;
      (*api(i))->listPeers(list);
      for (auto& p : list) out[p.node_id] = p;
    } catch (const std::exception&) {  // a node that is not answering shows no peers
    }
    return out;
  }
  std::string peer_state(int i, int peer) {
    auto all = peers_of(i);
    auto it = all.find(cluster_->spec(peer).name);
    return it == all.end() ? "(not listed)" : it->second.state;
  }
  // Every listed node sees every other listed node "up".
  bool all_up(const std::vector<int>& nodes) {
    for (int i : nodes)
      for (int p : nodes)
        if (p != i && peer_state(i, p) != "up") return false;
    return true;
  }
  bool wait_all_up(std::chrono::milliseconds timeout) {
    return wait_for([&] { return all_up({kA, kB, kC}); }, timeout, 5ms);
  }
  uint64_t ha_counter(int i, const std::string& name) {
    auto s = cluster_->stats(i);
    if (!s.contains("ha") || !s["ha"].contains(name)) return 0;
    return s["ha"][name].get<uint64_t>();
  }
  // The stats file written after this call (vxsnd rewrites it every 100 ms).
  nlohmann::json fresh_stats(int i) {
    auto uptime = [&] {
      auto s = cluster_->stats(i);
      return s.contains("uptime_s") ? s["uptime_s"].get<double>() : -1.0;
    };
    const double now = uptime();
    wait_for([&] { return uptime() > now + 0.15; }, 3s);
    return cluster_->stats(i);
  }
  std::string ha_stats_text(int i) {
    auto s = fresh_stats(i);
    return s.contains("ha") ? s["ha"].dump() : "(no \"ha\" object in the stats file)";
  }

  TableDump dump(int i) { return dump_table(**api(i)); }

  // Waits until every node in `nodes` answers with the same key set; returns the dumps of
  // the last round (equal or not, for the assertions to compare).
  std::vector<TableDump> wait_identical(const std::vector<int>& nodes,
                                        std::chrono::milliseconds timeout, double* took_ms) {
    std::vector<TableDump> dumps;
    auto t0 = Clock::now();
    wait_for(
        [&] {
          dumps.clear();
          try {
            for (int i : nodes) dumps.push_back(dump(i));
          } catch (const std::exception&) {
            return false;
          }
          for (const auto& d : dumps)
            if (d.keys() != dumps.front().keys()) return false;
          return true;
        },
        timeout, 100ms);
    if (took_ms) *took_ms = ms_since(t0);
    return dumps;
  }

  std::unique_ptr<HaCluster> cluster_;
};

// 1. A change made on A shows up on B and C as a peer entry; its removal disappears there.
TEST_F(HaClusterTest, ChangesOnOneNodeConvergeOnThePeers) {
  start_three();
  ASSERT_TRUE(wait_all_up(15s)) << "A sees B: " << peer_state(kA, kB)
                                << ", A sees C: " << peer_state(kA, kC)
                                << ", B sees A: " << peer_state(kB, kA)
                                << ", C sees A: " << peer_state(kC, kA);

  auto a = api(kA);
  std::unique_ptr<ApiClient> peers[2] = {api(kB), api(kC)};
  constexpr uint32_t kVni = 1001;
  constexpr int kChanges = 50;
  std::vector<double> add_delay[2], remove_delay[2];

  // Polls B and C every millisecond until `arrived` holds on both.
  auto measure = [&](auto&& arrived, std::vector<double>* delays, Clock::time_point t0) {
    bool seen[2] = {false, false};
    wait_for(
        [&] {
          for (int p = 0; p < 2; ++p)
            if (!seen[p] && arrived(**peers[p])) {
              seen[p] = true;
              delays[p].push_back(ms_since(t0));
            }
          return seen[0] && seen[1];
        },
        10s, 1ms);
    return seen[0] && seen[1];
  };

  for (int i = 0; i < kChanges; ++i) {
    const std::string m = addr(61, 0, i + 1);
    auto t0 = Clock::now();
    api::Member added;
    (*a)->addMember(added, kVni, m);
    ASSERT_TRUE(has_source(added.sources, api::Source::STATIC));
    ASSERT_TRUE(measure(
        [&](api::ManagementClient& c) {
          auto s = member_sources(c, kVni, m);
          return s && has_source(*s, api::Source::PEER);
        },
        add_delay, t0))
        << m << " did not reach both peers as a PEER entry";
  }
  // The peers hold them as peer entries, not as their own.
  for (int p = 0; p < 2; ++p) {
    TableDump d = dump_table(**peers[p]);
    ASSERT_EQ(d.vnis.count(kVni), 1u);
    EXPECT_EQ(d.vnis[kVni].members, kChanges);
    EXPECT_EQ(d.vnis[kVni].peer_members, kChanges);
    EXPECT_EQ(d.vnis[kVni].static_members, 0);
    auto s = d.members[{kVni, addr(61, 0, 1)}];
    EXPECT_EQ(s, Sources{api::Source::PEER}) << "sources on " << (p ? "C" : "B");
  }
  // The origin's view is untouched: its own static entries, none from a peer.
  TableDump da = dump_table(**a);
  EXPECT_EQ(da.vnis[kVni].static_members, kChanges);
  EXPECT_EQ(da.vnis[kVni].peer_members, 0);

  for (int i = 0; i < kChanges; ++i) {
    const std::string m = addr(61, 0, i + 1);
    auto t0 = Clock::now();
    (*a)->removeMember(kVni, m);
    ASSERT_TRUE(measure([&](api::ManagementClient& c) { return !member_sources(c, kVni, m); },
                        remove_delay, t0))
        << m << " removed on A but still on a peer";
  }
  for (int p = 0; p < 2; ++p) {
    TableDump d = dump_table(**peers[p]);
    EXPECT_TRUE(d.members.empty()) << describe(d.keys());
  }

  std::printf("[ figures ] convergence A->B add:    %s\n", figures(add_delay[0]).c_str());
  std::printf("[ figures ] convergence A->C add:    %s\n", figures(add_delay[1]).c_str());
  std::printf("[ figures ] convergence A->B remove: %s\n", figures(remove_delay[0]).c_str());
  std::printf("[ figures ] convergence A->C remove: %s\n", figures(remove_delay[1]).c_str());
  std::printf("[ figures ] (each from before A's API call to the first 1 ms poll that saw it)\n");
  std::printf("[ figures ] A ha stats: %s\n", ha_stats_text(kA).c_str());
  std::printf("[ figures ] B ha stats: %s\n", ha_stats_text(kB).c_str());
  // The stats file is rewritten every 100 ms: wait for one written after the last change.
  EXPECT_TRUE(wait_for([&] { return ha_counter(kA, "published") >= 2u * kChanges; }, 5s))
      << ha_stats_text(kA);
  EXPECT_TRUE(wait_for([&] { return ha_counter(kB, "remote_applied") >= 2u * kChanges; }, 5s))
      << ha_stats_text(kB);
}

// 2. C is killed with SIGKILL while A and B keep changing their tables; after its restart
// all three hold the identical table, and it is exactly what A and B's changes leave.
TEST_F(HaClusterTest, KilledNodeCatchesUpAfterRestart) {
  start_three();
  ASSERT_TRUE(wait_all_up(15s));

  // One entry C itself added before it dies: A and B hold it as C's.
  const MemberKey from_c{2999, addr(63, 0, 1)};
  {
    api::Member m;
    (*api(kC))->addMember(m, from_c.first, from_c.second);
    ASSERT_TRUE(
        wait_for([&] { return member_sources(**api(kA), 2999, from_c.second).has_value(); }, 10s));
  }

  std::mutex mutex;
  std::set<MemberKey> expected;  // what A and B's changes leave
  std::atomic<bool> stop{false};
  std::atomic<int> adds{0}, removes{0}, while_down{0};
  std::atomic<bool> c_down{false};
  std::thread stream([&] {
    std::unique_ptr<ApiClient> clients[2] = {api(kA), api(kB)};
    std::vector<MemberKey> added[2];
    for (int k = 0; !stop; ++k) {
      const int origin = k % 2;
      try {
        if (k % 7 == 6 && added[origin].size() > 3) {
          // Remove one of this origin's own earlier entries.
          MemberKey victim = added[origin][added[origin].size() / 2];
          added[origin].erase(added[origin].begin() + added[origin].size() / 2);
          (*clients[origin])->removeMember(victim.first, victim.second);
          std::lock_guard lock(mutex);
          expected.erase(victim);
          ++removes;
        } else {
          MemberKey key{2000 + (k / 2) % 9, addr(62, k / 250, k % 250 + 1)};
          api::Member m;
          (*clients[origin])->addMember(m, key.first, key.second);
          added[origin].push_back(key);
          std::lock_guard lock(mutex);
          expected.insert(key);
          ++adds;
        }
        if (c_down) ++while_down;
      } catch (const std::exception& e) {
        ADD_FAILURE() << "API call on " << (origin ? "B" : "A") << " failed: " << e.what();
        return;
      }
      std::this_thread::sleep_for(2ms);
    }
  });

  std::this_thread::sleep_for(400ms);
  cluster().kill_hard(kC);
  c_down = true;
  std::this_thread::sleep_for(1500ms);  // longer than dead_interval: A and B mark C down
  const std::string c_state_on_a = peer_state(kA, kC);
  std::string why;
  auto restart = Clock::now();
  bool restarted = cluster().start(kC, &why);
  c_down = false;
  const double restart_ms = ms_since(restart);
  std::this_thread::sleep_for(500ms);  // changes keep coming while C resynchronises
  stop = true;
  stream.join();
  ASSERT_TRUE(restarted) << why;
  EXPECT_EQ(c_state_on_a, "down") << "A's view of C 1.5 s after C was killed";

  double took = 0;
  auto dumps = wait_identical({kA, kB, kC}, 20s, &took);
  ASSERT_EQ(dumps.size(), 3u);
  EXPECT_EQ(dumps[0].keys(), dumps[1].keys())
      << "A vs B: " << difference(dumps[0].keys(), dumps[1].keys());
  EXPECT_EQ(dumps[0].keys(), dumps[2].keys())
      << "A vs C: " << difference(dumps[0].keys(), dumps[2].keys());
  std::set<MemberKey> on_a = dumps[0].keys();
  const bool c_entry_kept = on_a.erase(from_c) > 0;
  EXPECT_EQ(on_a, expected) << difference(on_a, expected);
  for (const auto& [key, sources] : dumps[2].members)
    if (key != from_c) {
      EXPECT_EQ(sources, Sources{api::Source::PEER}) << key.first << "/" << key.second << " on C";
      break;
    }

  std::printf(
      "[ figures ] stream: %d adds, %d removes on A and B (%d while C was dead); "
      "%zu entries at the end, %d VNIs read in %d listVnis pages\n",
      adds.load(), removes.load(), while_down.load(), expected.size(),
      static_cast<int>(dumps[2].vnis.size()), dumps[2].pages);
  std::printf(
      "[ figures ] C restart to API answering: %.0f ms; stream end to identical "
      "tables: %.0f ms\n",
      restart_ms, took);
  auto sources_of = [](const TableDump& d, const MemberKey& k) {
    auto it = d.members.find(k);
    return it == d.members.end() ? std::string("absent") : sources_text(it->second);
  };
  std::printf("[ figures ] C's own API-added entry %u/%s after C's restart: %s (A: %s, C: %s)\n",
              from_c.first, from_c.second.c_str(), c_entry_kept ? "kept" : "gone",
              sources_of(dumps[0], from_c).c_str(), sources_of(dumps[2], from_c).c_str());
  std::printf("[ figures ] C ha stats: %s\n", ha_stats_text(kC).c_str());
}

// 3. C is cut off (its veth down) while both sides change the table, including conflicting
// changes to the same keys; after healing, every node holds the table last-writer-wins by
// (hybrid logical clock, node id) gives: the later change of each key.
class PartitionTest : public HaClusterTest {
 protected:
  static constexpr uint32_t kVni = 3001;

  // Starts the cluster, adds `before` on A everywhere, cuts C off and waits until both
  // sides see the other down.
  void partition(const std::vector<std::string>& before) {
    start_three();
    ASSERT_TRUE(wait_all_up(15s));
    a_ = api(kA);
    c_ = api(kC);
    api::Member m;
    for (const auto& k : before) (*a_)->addMember(m, kVni, k);
    ASSERT_TRUE(wait_for(
        [&] {
          for (const auto& k : before)
            if (!member_sources(**c_, kVni, k)) return false;
          return true;
        },
        10s));
    cluster().fabric().cut(kC);
    auto cut_at = Clock::now();
    ASSERT_TRUE(wait_for(
        [&] {
          return peer_state(kA, kC) == "down" && peer_state(kB, kC) == "down" &&
                 peer_state(kC, kA) == "down" && peer_state(kC, kB) == "down";
        },
        15s))
        << "A sees C " << peer_state(kA, kC) << ", C sees A " << peer_state(kC, kA);
    detect_ms_ = ms_since(cut_at);
  }

  // Heals, waits for identical tables and checks each against `expected`.
  void heal_and_expect(const std::set<MemberKey>& expected) {
    // Both sides really were apart: neither saw the other's change.
    EXPECT_FALSE(member_sources(**c_, kVni, addr(64, 1, 1)).has_value());
    EXPECT_FALSE(member_sources(**a_, kVni, addr(64, 2, 1)).has_value());
    cluster().fabric().heal(kC);
    auto healed_at = Clock::now();
    ASSERT_TRUE(wait_all_up(15s)) << "A sees C " << peer_state(kA, kC) << ", C sees A "
                                  << peer_state(kC, kA);
    const double up_ms = ms_since(healed_at);
    double took = 0;
    dumps_ = wait_identical({kA, kB, kC}, 20s, &took);
    ASSERT_EQ(dumps_.size(), 3u);
    const char* names[] = {"A", "B", "C"};
    for (int i = 0; i < 3; ++i)
      EXPECT_EQ(dumps_[i].keys(), expected)
          << names[i] << " vs the LWW outcome: " << difference(dumps_[i].keys(), expected);
    std::printf(
        "[ figures ] partition seen (down on both sides) %.0f ms after the cut; all up "
        "%.0f ms after heal; identical tables %.0f ms later\n",
        detect_ms_, up_ms, took);
    for (int i = 0; i < 3; ++i)
      std::printf("[ figures ] %s ha stats: %s\n", names[i], ha_stats_text(i).c_str());
  }

  // Changes each side makes alone (never conflicting).
  void add_one_sided(std::set<MemberKey>& expected) {
    api::Member m;
    for (int i = 1; i <= 3; ++i) {
      (*a_)->addMember(m, kVni, addr(64, 1, i));
      (*c_)->addMember(m, kVni, addr(64, 2, i));
      expected.insert({kVni, addr(64, 1, i)});
      expected.insert({kVni, addr(64, 2, i)});
    }
  }
  // A gap between the two sides' writes to a key so their clocks order them beyond doubt.
  static void later() { std::this_thread::sleep_for(30ms); }

  std::unique_ptr<ApiClient> a_, c_;
  std::vector<TableDump> dumps_;
  double detect_ms_ = 0;
};

// Conflicts whose later change is the one still standing at the end.
TEST_F(PartitionTest, HealsToTheLaterChangeOfEachKey) {
  const std::string k5 = addr(64, 0, 5), k8 = addr(64, 0, 8);
  ASSERT_NO_FATAL_FAILURE(partition({k5}));
  std::set<MemberKey> expected;
  add_one_sided(expected);
  api::Member m;
  // K5 (A's, everywhere): removed on A, then added on C: C's add is later, K5 stays.
  (*a_)->removeMember(kVni, k5);
  later();
  (*c_)->addMember(m, kVni, k5);
  expected.insert({kVni, k5});
  // K8: added and removed on C, then added on A: A's add is the last write, K8 stays.
  (*c_)->addMember(m, kVni, k8);
  (*c_)->removeMember(kVni, k8);
  later();
  (*a_)->addMember(m, kVni, k8);
  expected.insert({kVni, k8});
  ASSERT_NO_FATAL_FAILURE(heal_and_expect(expected));
  // The winners' origins: K5 is C's now (A removed its own), K8 is A's.
  const MemberKey key5{kVni, k5}, key8{kVni, k8};
  EXPECT_EQ(dumps_[kA].members[key5], Sources{api::Source::PEER}) << "K5 on A";
  EXPECT_EQ(dumps_[kC].members[key5], Sources{api::Source::STATIC}) << "K5 on C";
  EXPECT_EQ(dumps_[kC].members[key8], Sources{api::Source::PEER}) << "K8 on C";
  // C, the only holder of K5 now, drops it from its static members (the way a config
  // reload would): then no node holds it and it is gone everywhere.
  api::ReplaceResult replaced;
  (*c_)->replaceStaticMembers(replaced, kVni, {addr(64, 2, 1), addr(64, 2, 2), addr(64, 2, 3)});
  EXPECT_EQ(replaced.removed, 1);
  EXPECT_TRUE(wait_for(
      [&] {
        for (int i = 0; i < 3; ++i)
          if (member_sources(**api(i), kVni, k5)) return false;
        return true;
      },
      10s))
      << "K5 is still on: " << (member_sources(**api(kA), kVni, k5) ? "A " : "")
      << (member_sources(**api(kB), kVni, k5) ? "B " : "")
      << (member_sources(**api(kC), kVni, k5) ? "C" : "");
}

// Conflicts whose later change is a removal while the other side still holds the key as
// its own: by last-writer-wins the removal wins and the key is gone everywhere.
TEST_F(PartitionTest, LaterRemovalWinsOverTheOtherSidesAdd) {
  const std::string k6 = addr(64, 0, 6), k7 = addr(64, 0, 7);
  ASSERT_NO_FATAL_FAILURE(partition({k6}));
  std::set<MemberKey> expected;
  add_one_sided(expected);
  api::Member m;
  // K6 (A's, everywhere): added on C as its own too, then removed on A: A's removal is later.
  (*c_)->addMember(m, kVni, k6);
  later();
  (*a_)->removeMember(kVni, k6);
  // K7: added on C, added on A, removed on C: C's removal is the last write.
  (*c_)->addMember(m, kVni, k7);
  later();
  (*a_)->addMember(m, kVni, k7);
  later();
  (*c_)->removeMember(kVni, k7);
  ASSERT_NO_FATAL_FAILURE(heal_and_expect(expected));
  for (int i = 0; i < 3; ++i)
    for (const auto& k : {k6, k7}) {
      auto it = dumps_[i].members.find({kVni, k});
      if (it != dumps_[i].members.end())
        std::printf("[ figures ] %s still holds %s, sources %s\n", cluster().spec(i).name.c_str(),
                    k.c_str(), sources_text(it->second).c_str());
    }
}

// 4. Nodes whose CURVE identity the cluster does not trust get nothing in: one that nobody
// lists as a peer, and one listed under a public key that is not its own.
TEST_F(HaClusterTest, UntrustedKeysNeverGetAnEntryIn) {
  constexpr int kRogue = 3, kForged = 4;
  start_cluster({{"sn-a"}, {"sn-b"}, {"sn-c"}, {"rogue", false, false}, {"forged", true, true}});
  ASSERT_TRUE(wait_all_up(15s));

  api::Member m;
  for (int i = 1; i <= 5; ++i) {
    (*api(kRogue))->addMember(m, 4001, addr(65, 1, i));
    (*api(kForged))->addMember(m, 4002, addr(65, 2, i));
  }
  // A control change made after the intruders' changes: once it is everywhere, the
  // intruders' changes had every chance to arrive too.
  (*api(kA))->addMember(m, 4003, addr(65, 3, 1));
  ASSERT_TRUE(wait_for(
      [&] {
        return member_sources(**api(kB), 4003, addr(65, 3, 1)) &&
               member_sources(**api(kC), 4003, addr(65, 3, 1));
      },
      10s));
  ASSERT_TRUE(wait_for([&] { return ha_counter(kA, "auth_refused") > 0; }, 15s))
      << "A's stats: " << ha_stats_text(kA);
  // And a few dead intervals more, in which the intruders keep knocking.
  std::this_thread::sleep_for(std::chrono::milliseconds(4 * cluster().timers().dead_interval_ms));

  for (int i : {kA, kB, kC}) {
    TableDump d = dump(i);
    for (const auto& [key, sources] : d.members)
      EXPECT_TRUE(key.first != 4001 && key.first != 4002)
          << cluster().spec(i).name << " holds an intruder's entry " << key.first << "/"
          << key.second;
    EXPECT_NE(peer_state(i, kForged), "up") << cluster().spec(i).name << "'s view of forged";
  }
  // Nor did anything flow the other way.
  for (int i : {kRogue, kForged}) {
    TableDump d = dump(i);
    for (const auto& [key, sources] : d.members)
      EXPECT_FALSE(has_source(sources, api::Source::PEER))
          << cluster().spec(i).name << " got " << key.first << "/" << key.second;
  }
  std::printf("[ figures ] auth_refused: A %llu, B %llu, C %llu\n",
              static_cast<unsigned long long>(ha_counter(kA, "auth_refused")),
              static_cast<unsigned long long>(ha_counter(kB, "auth_refused")),
              static_cast<unsigned long long>(ha_counter(kC, "auth_refused")));
  std::printf("[ figures ] A sees forged as '%s'; rogue sees A as '%s'; forged sees A as '%s'\n",
              peer_state(kA, kForged).c_str(), peer_state(kRogue, kA).c_str(),
              peer_state(kForged, kA).c_str());
}

// 5. listPeers: a killed peer turns "down" after dead_interval_ms, and "up" after restart.
TEST_F(HaClusterTest, ListPeersFollowsAPeersDeathAndReturn) {
  three_up_with_a_change_from_c(5001, addr(66, 0, 1));
  if (HasFatalFailure()) return;

  auto on_a = peers_of(kA);
  ASSERT_EQ(on_a.size(), 2u);
  EXPECT_EQ(on_a["sn-b"].address, cluster().publish_endpoint(kB));
  EXPECT_EQ(on_a["sn-c"].address, cluster().publish_endpoint(kC));
  EXPECT_GE(on_a["sn-c"].lag_ms, 0);
  std::printf(
      "[ figures ] A's peers while up: sn-b lag %lld ms seq %lld; sn-c lag %lld ms "
      "seq %lld\n",
      static_cast<long long>(on_a["sn-b"].lag_ms),
      static_cast<long long>(on_a["sn-b"].last_sequence),
      static_cast<long long>(on_a["sn-c"].lag_ms),
      static_cast<long long>(on_a["sn-c"].last_sequence));

  cluster().kill_hard(kC);
  auto killed = Clock::now();
  ASSERT_TRUE(wait_for([&] { return peer_state(kA, kC) == "down" && peer_state(kB, kC) == "down"; },
                       10s, 5ms))
      << "A sees C " << peer_state(kA, kC);
  const double down_ms = ms_since(killed);
  EXPECT_EQ(peer_state(kA, kB), "up") << "B is still alive";

  std::string why;
  auto restart = Clock::now();
  ASSERT_TRUE(cluster().start(kC, &why)) << why;
  ASSERT_TRUE(wait_all_up(15s)) << "A sees C " << peer_state(kA, kC) << ", C sees A "
                                << peer_state(kC, kA);
  const double up_ms = ms_since(restart);
  std::printf(
      "[ figures ] dead_interval %u ms: C shown down on A and B %.0f ms after SIGKILL; "
      "up everywhere %.0f ms after restart began\n",
      cluster().timers().dead_interval_ms, down_ms, up_ms);
}

// The Prometheus endpoint shows the same peers: their state and lag, and a death.
TEST_F(HaClusterTest, MetricsShowPeersStateAndLag) {
  three_up_with_a_change_from_c(5002, addr(67, 0, 1));
  if (HasFatalFailure()) return;
  auto scrape = [&] {
    const test::HttpResponse r = test::http_request(cluster().fabric().node_ns(kA), "127.0.0.1",
                                                    kMetricsPort, "GET", "/metrics");
    EXPECT_EQ(r.status, 200);
    test::PromParseResult p = test::parse_prometheus_text(r.body);
    EXPECT_TRUE(p.ok()) << p.error;
    return p.exposition;
  };
  ASSERT_TRUE(wait_for(
      [&] {
        return scrape().value("vxsn_ha_peer_last_sequence", {{"peer", "sn-c"}}).value_or(0) >= 1;
      },
      5s));
  test::PromExposition up = scrape();
  EXPECT_EQ(up.value("vxsn_ha_enabled"), 1.0);
  EXPECT_EQ(up.value("vxsn_ha_peer_state", {{"peer", "sn-b"}, {"state", "up"}}), 1.0);
  EXPECT_EQ(up.value("vxsn_ha_peer_state", {{"peer", "sn-c"}, {"state", "up"}}), 1.0);
  EXPECT_EQ(up.value("vxsn_ha_peer_state", {{"peer", "sn-c"}, {"state", "down"}}), 0.0);
  EXPECT_GE(up.value("vxsn_ha_peer_lag_seconds", {{"peer", "sn-c"}}).value_or(-1), 0.0);
  EXPECT_GT(up.value("vxsn_ha_remote_applied_total").value_or(0), 0.0);
  EXPECT_EQ(up.value("vxsn_table_entries_by_source", {{"source", "peer"}}), 1.0)
      << "C's member reached A as a peer entry";

  cluster().kill_hard(kC);
  EXPECT_TRUE(wait_for(
      [&] {
        return scrape().value("vxsn_ha_peer_state", {{"peer", "sn-c"}, {"state", "down"}}) == 1.0;
      },
      10s))
      << "C's death shows on A's endpoint";
  EXPECT_EQ(scrape().value("vxsn_ha_peer_state", {{"peer", "sn-b"}, {"state", "up"}}), 1.0);
}

}  // namespace
}  // namespace vxsn::hae2e
