// Replication between real Replicator instances over loopback TCP with CURVE: convergence,
// kill -9 and restart, partition and heal under last-writer-wins, an impostor key, and a
// slow subscriber. Every test asserts the final tables; delays are printed, not asserted.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "tests/ha/ha_test_support.hpp"

extern char** environ;

namespace vxsn::hatest {
namespace {

using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

struct Node {
  Node(HaConfig c) : replicator(std::move(c), table) {}
  FakeTable table;
  Replicator replicator;
};

std::unique_ptr<Node> start(const Cluster& cl, size_t i) {
  return std::make_unique<Node>(cl.config(i));
}

bool converged(const std::vector<Node*>& nodes) {
  auto d0 = nodes[0]->replicator.dump();
  auto t0 = nodes[0]->table.entries();
  for (size_t i = 1; i < nodes.size(); ++i)
    if (!same_dump(d0, nodes[i]->replicator.dump()) || nodes[i]->table.entries() != t0)
      return false;
  return true;
}

// The API's peer list must show every configured peer at once, not an empty list (or a
// caller indexing it crashes) until the replicator's first turn.
TEST(HaReplication, EveryConfiguredPeerIsListedFromTheStart) {
  Cluster cl(3);
  auto a = start(cl, 0);
  const std::vector<HaPeerStatus> peers = a->replicator.peers();
  ASSERT_EQ(peers.size(), 2u);
  EXPECT_EQ(peers[0].name, "n1");
  EXPECT_EQ(peers[1].name, "n2");
}

TEST(HaReplication, ChangeOnOneNodeReachesTheOthers) {
  Cluster cl(3);
  auto a = start(cl, 0), b = start(cl, 1), c = start(cl, 2);
  ASSERT_TRUE(wait_until([&] {
    return all_peers_up(a->replicator) && all_peers_up(b->replicator) &&
           all_peers_up(c->replicator);
  }));

  const HaKey k = key(100, 1);
  auto t0 = SteadyClock::now();
  a->table.put(a->replicator, k, value(2, 4242));
  ASSERT_TRUE(wait_until([&] { return b->table.get(k) && c->table.get(k); }));
  auto us = [&](SteadyClock::time_point t) {
    return std::chrono::duration_cast<std::chrono::microseconds>(t - t0).count();
  };
  std::printf("[ha] convergence A->B %lld us, A->C %lld us\n",
              static_cast<long long>(us(*b->table.arrived(k))),
              static_cast<long long>(us(*c->table.arrived(k))));
  EXPECT_EQ(b->table.get(k)->identifier, 4242u);
  EXPECT_EQ(c->table.get(k)->sources, 2);

  // A deletion on B reaches A and C; a burst of 1000 changes on C reaches A and B.
  b->table.remove(b->replicator, k);
  std::map<HaKey, HaValue> expected;
  for (uint32_t i = 0; i < 1000; ++i) {
    expected[key(200, i)] = value(1, i);
    c->table.put(c->replicator, key(200, i), value(1, i));
  }
  ASSERT_TRUE(wait_until([&] { return converged({a.get(), b.get(), c.get()}); }));
  EXPECT_EQ(a->table.entries(), expected);
  const HaChange* tomb = nullptr;
  auto dump = a->replicator.dump();
  for (auto& ch : dump)
    if (ch.key == k) tomb = &ch;
  ASSERT_NE(tomb, nullptr);
  EXPECT_TRUE(tomb->tombstone);
  EXPECT_EQ(tomb->stamp.origin, "n1");
}

// Writes node i's config as a file (key file beside it), for the node run as a process.
std::filesystem::path write_node_config(const Cluster& cl, size_t i,
                                        const std::filesystem::path& dir) {
  HaConfig c = cl.config(i);
  std::ofstream(dir / (c.node_id + ".key")) << c.secret_key << "\n";
  std::ofstream f(dir / (c.node_id + ".toml"));
  f << "[ha]\nnode_id = \"" << c.node_id << "\"\npublish = \"" << c.publish_bind
    << "\"\nsnapshot = \"" << c.snapshot_bind << "\"\nsecret_key_file = \"" << c.node_id
    << ".key\"\nheartbeat_interval_ms = " << c.heartbeat_interval_ms
    << "\ndead_interval_ms = " << c.dead_interval_ms
    << "\ntombstone_expiry_ms = " << c.tombstone_expiry_ms << "\nrefresh_interval_ms = 0\n";
  for (auto& p : c.peers)
    f << "\n[[ha.peers]]\nname = \"" << p.name << "\"\npublish = \"" << p.publish_endpoint
      << "\"\nsnapshot = \"" << p.snapshot_endpoint << "\"\npublic_key = \"" << p.public_key
      << "\"\n";
  return dir / (c.node_id + ".toml");
}

class ChildProcess {
 public:
  explicit ChildProcess(std::vector<std::string> args) {
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, argv[0], nullptr, nullptr, argv.data(), environ) != 0) pid_ = -1;
  }
  ~ChildProcess() { kill9(); }
  void kill9() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  bool running() const { return pid_ > 0; }

 private:
  pid_t pid_ = -1;
};

TEST(HaReplication, NodeKilledUnderLoadCatchesUpAfterRestart) {
  Cluster cl(3);
  auto dir =
      std::filesystem::temp_directory_path() / ("vxsn-ha-kill-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  struct Cleanup {
    std::filesystem::path d;
    ~Cleanup() { std::filesystem::remove_all(d); }
  } cleanup{dir};

  // n0 runs in its own process, streaming changes to 300 keys of VNI 1 every 200 us.
  auto child = std::make_unique<ChildProcess>(std::vector<std::string>{
      VXSN_HA_TEST_NODE, write_node_config(cl, 0, dir).string(), "1", "300", "200"});
  ASSERT_TRUE(child->running());
  auto b = start(cl, 1), c = start(cl, 2);

  // n1 streams too, on VNI 2, during the kill and the restart.
  std::atomic<bool> streaming{true};
  std::atomic<uint32_t> b_written{0};
  std::thread stream([&] {
    for (uint32_t i = 0; streaming; ++i) {
      b->table.put(b->replicator, key(2, i % 500), value(2, i));
      b_written = i + 1;
      std::this_thread::sleep_for(300us);
    }
  });
  struct Join {
    std::atomic<bool>& flag;
    std::thread& t;
    ~Join() {
      flag = false;
      if (t.joinable()) t.join();
    }
  } join{streaming, stream};

  ASSERT_TRUE(
      wait_until([&] { return b->table.count_vni(1) == 300 && c->table.count_vni(1) == 300; }));
  child->kill9();
  ASSERT_TRUE(wait_until([&] {
    return b->replicator.peers()[0].state == HaPeerState::kDown &&
           c->replicator.peers()[0].state == HaPeerState::kDown;
  }));
  uint32_t written_while_down = b_written;
  std::this_thread::sleep_for(200ms);  // more changes the dead node misses
  EXPECT_GT(b_written.load(), written_while_down);

  // Restart n0 (same identity, same ports) in this process, so its table can be compared.
  auto a = start(cl, 0);
  ASSERT_TRUE(wait_until([&] { return all_peers_up(a->replicator); }));
  streaming = false;
  stream.join();
  ASSERT_TRUE(wait_until([&] {
    return converged({a.get(), b.get(), c.get()});
  })) << "n0 "
      << a->replicator.size() << " n1 " << b->replicator.size() << " n2 " << c->replicator.size();
  // Everything n1 wrote is on the restarted node, and so is what the killed n0 had written.
  EXPECT_EQ(a->table.count_vni(2), 500u);
  EXPECT_EQ(a->table.count_vni(1), 300u);
  for (auto& ch : a->replicator.dump())
    if (ch.key.vni == 1) {
      EXPECT_EQ(ch.stamp.origin, "n0");
    }
  EXPECT_GE(a->replicator.stats().snapshots_fetched, 2u);
}

TEST(HaReplication, PartitionedNodesConvergeUnderLastWriterWins) {
  Cluster cl(3, /*through_relays=*/true);
  auto a = start(cl, 0), b = start(cl, 1), c = start(cl, 2);
  auto nodes = std::vector<Node*>{a.get(), b.get(), c.get()};
  ASSERT_TRUE(wait_until([&] {
    return all_peers_up(a->replicator) && all_peers_up(b->replicator) &&
           all_peers_up(c->replicator);
  }));
  for (uint32_t i = 1; i <= 5; ++i) a->table.put(a->replicator, key(7, i), value(1, 100 + i));
  ASSERT_TRUE(wait_until([&] { return converged(nodes) && c->table.count_vni(7) == 5; }));

  cl.relays()->cut(2);  // n2 alone on one side, n0 and n1 on the other
  ASSERT_TRUE(wait_until([&] {
    auto pa = a->replicator.peers(), pc = c->replicator.peers();
    return pa[1].state == HaPeerState::kDown && pc[0].state == HaPeerState::kDown &&
           pc[1].state == HaPeerState::kDown;
  }));

  // Each write waits until its node has stamped it, then 5 ms pass, so the next write's
  // clock is strictly later: the expected winners below follow from this order alone.
  auto stamped = [](Node& n, const HaKey& k, bool tomb) {
    return wait_until([&] {
      for (auto& ch : n.replicator.dump())
        if (ch.key == k && ch.tombstone == tomb && ch.stamp.origin == n.replicator.config().node_id)
          return true;
      return false;
    });
  };
  auto write = [&](Node& n, uint32_t i, std::optional<HaValue> v) {
    if (v)
      n.table.put(n.replicator, key(7, i), *v);
    else
      n.table.remove(n.replicator, key(7, i));
    ASSERT_TRUE(stamped(n, key(7, i), !v));
    std::this_thread::sleep_for(5ms);
  };
  write(*a, 1, value(2, 1001));  // key 1: a, then c      -> c's value
  write(*c, 1, value(4, 3001));
  write(*c, 2, std::nullopt);  // key 2: c deletes, then b puts -> b's value
  write(*b, 2, value(2, 2002));
  write(*a, 3, std::nullopt);    // key 3: only a deletes -> gone
  write(*c, 6, value(4, 3006));  // key 6: new on c       -> c's value
  write(*b, 4, value(2, 2004));  // key 4: b, then c deletes -> gone
  write(*c, 4, std::nullopt);
  // Before the heal the two sides disagree.
  EXPECT_FALSE(c->table.get(key(7, 2)).has_value());
  EXPECT_EQ(a->table.get(key(7, 2))->identifier, 2002u);

  cl.relays()->heal(2);
  ASSERT_TRUE(wait_until([&] { return converged(nodes); }));
  std::map<HaKey, HaValue> expected = {
      {key(7, 1), value(4, 3001)},
      {key(7, 2), value(2, 2002)},
      {key(7, 5), value(1, 105)},
      {key(7, 6), value(4, 3006)},
  };
  for (auto* n : nodes) EXPECT_EQ(n->table.entries(), expected) << n->replicator.config().node_id;
}

TEST(HaReplication, PeerWithWrongCurveKeyNeverGetsAnEntryIn) {
  Cluster cl(3);
  // n2 is an impostor: it uses a key pair of its own while n0 and n1 expect the real n2's.
  HaConfig impostor_cfg = cl.config(2);
  auto stolen = generate_curve_key_pair();
  impostor_cfg.secret_key = stolen.secret_z85;
  impostor_cfg.public_key = stolen.public_z85;
  auto a = start(cl, 0), b = start(cl, 1);
  auto m = std::make_unique<Node>(impostor_cfg);
  for (uint32_t i = 0; i < 50; ++i) m->table.put(m->replicator, key(66, i), value(1, i));

  ASSERT_TRUE(wait_until([&] {
    return a->replicator.peers()[0].state == HaPeerState::kUp &&
           b->replicator.peers()[0].state == HaPeerState::kUp;
  }));
  // Its subscriptions and snapshot requests to n0 and n1 are refused by their ZAP handler.
  ASSERT_TRUE(wait_until([&] {
    return a->replicator.stats().auth_refused >= 2 && b->replicator.stats().auth_refused >= 2;
  }));
  for (uint32_t i = 50; i < 100; ++i) m->table.put(m->replicator, key(66, i), value(1, i));
  // A canary from n0 after the impostor's writes shows n1's streams are flowing.
  a->table.put(a->replicator, key(67, 1), value(1, 1));
  ASSERT_TRUE(wait_until([&] { return b->table.get(key(67, 1)).has_value(); }));
  std::this_thread::sleep_for(300ms);  // give the impostor every chance to push anything

  for (Node* n : {a.get(), b.get()}) {
    EXPECT_EQ(n->table.count_vni(66), 0u);
    for (auto& ch : n->replicator.dump()) EXPECT_NE(ch.stamp.origin, "n2");
    EXPECT_NE(n->replicator.peers()[1].state, HaPeerState::kUp);
  }
  EXPECT_EQ(m->table.count_vni(67), 0u);  // nor does it read anything out
  EXPECT_EQ(m->replicator.stats().snapshots_fetched, 0u);
}

TEST(HaReplication, SlowSubscriberIsResynchronisedNotLeftStale) {
  Cluster cl(2);
  HaConfig ca = cl.config(0), cb = cl.config(1);
  ca.send_hwm = cb.recv_hwm = 50;
  ca.socket_buffer_bytes = cb.socket_buffer_bytes = 8192;
  auto a = std::make_unique<Node>(ca);
  auto b = std::make_unique<Node>(cb);
  ASSERT_TRUE(
      wait_until([&] { return all_peers_up(a->replicator) && all_peers_up(b->replicator); }));

  // n1's table stalls on the first change; n0 writes far more than the queues hold.
  b->table.close_gate();
  std::map<HaKey, HaValue> expected;
  a->table.put(a->replicator, key(9, 0), value(1, 0));
  expected[key(9, 0)] = value(1, 0);
  ASSERT_TRUE(wait_until([&] { return b->table.waiting_at_gate(); }));
  for (uint32_t round = 1; round <= 4; ++round)
    for (uint32_t i = 0; i < 5000; ++i) {
      a->table.put(a->replicator, key(9, i), value(1, round * 100000 + i));
      expected[key(9, i)] = value(1, round * 100000 + i);
    }
  ASSERT_TRUE(wait_until([&] { return a->replicator.stats().published == 20001; }));
  std::this_thread::sleep_for(100ms);
  b->table.open_gate();

  ASSERT_TRUE(wait_until([&] { return b->table.entries() == expected; }));
  EXPECT_TRUE(same_dump(a->replicator.dump(), b->replicator.dump()));
  auto st = b->replicator.stats();
  EXPECT_GE(st.gaps_detected, 1u);
  EXPECT_GE(st.snapshots_fetched, 2u);  // the first contact, then the resync
  std::printf("[ha] slow subscriber: %llu gaps, %llu snapshots\n",
              static_cast<unsigned long long>(st.gaps_detected),
              static_cast<unsigned long long>(st.snapshots_fetched));
}

}  // namespace
}  // namespace vxsn::hatest
