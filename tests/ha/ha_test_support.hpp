// Helpers for the replication tests: a stand-in for the table manager, a cluster of node
// configs on loopback with fresh CURVE keys, and a TCP relay that can cut a node off.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "host/ha/curve_keys.hpp"
#include "host/ha/ha_config.hpp"
#include "host/ha/replicator.hpp"

namespace vxsn::hatest {

// What the table manager will do: hold the merged table; remote changes come through
// apply_remote, local ones through put()/remove() which also publish them.
class FakeTable : public ReplicaSink {
 public:
  void apply_remote(const HaChange& c) override;
  void put(Replicator& r, const HaKey& k, const HaValue& v);
  void remove(Replicator& r, const HaKey& k);
  std::map<HaKey, HaValue> entries() const;
  size_t count_vni(uint32_t vni) const;
  std::optional<HaValue> get(const HaKey& k) const;
  // Slows the replicator's thread: while closed, apply_remote waits for open().
  void close_gate();
  void open_gate();
  bool waiting_at_gate() const { return waiting_; }
  // When `k` last arrived through apply_remote (steady clock), if it did.
  std::optional<std::chrono::steady_clock::time_point> arrived(const HaKey& k) const;

 private:
  mutable std::mutex mutex_;
  std::map<HaKey, HaValue> entries_;
  std::map<HaKey, std::chrono::steady_clock::time_point> arrivals_;
  std::mutex gate_mutex_;
  std::condition_variable gate_cv_;
  bool gate_closed_ = false;
  std::atomic<bool> waiting_{false};
};

HaKey key(uint32_t vni, uint32_t index);  // 10.<index>/16 style v4 address, deterministic
HaValue value(uint8_t sources, uint64_t identifier);

uint16_t free_tcp_port();

// Polls `pred` every 10 ms until it holds or `limit` passes; the tests assert the final
// state, never the time it took.
bool wait_until(const std::function<bool()>& pred,
                std::chrono::milliseconds limit = std::chrono::seconds(15));

// Forwards TCP from local ports to target ports; cut(node) closes every connection of the
// routes touching that node and refuses new ones until heal(node).
class RelayHub {
 public:
  RelayHub();
  ~RelayHub();
  uint16_t add_route(uint16_t target_port, int node_a, int node_b);
  void cut(int node);
  void heal(int node);

 private:
  struct Route {
    int listen_fd;
    uint16_t target;
    int a, b;
  };
  struct Conn {
    int fds[2];
    size_t route;
  };
  void run();
  bool route_cut(const Route& r) const;
  std::mutex mutex_;
  std::vector<Route> routes_;
  std::vector<Conn> conns_;
  std::vector<int> cut_nodes_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

struct NodeSpec {
  std::string name;
  uint16_t pub_port = 0;
  uint16_t snap_port = 0;
  CurveKeyPair keys;
};

// A full mesh of `n` nodes named "n0".."n<n-1>" with fast timers for tests.
class Cluster {
 public:
  explicit Cluster(size_t n, bool through_relays = false);
  HaConfig config(size_t i) const;
  RelayHub* relays() { return relays_.get(); }
  std::vector<NodeSpec> nodes;
  uint32_t heartbeat_ms = 50;
  uint32_t dead_ms = 400;

 private:
  std::unique_ptr<RelayHub> relays_;
  // relay_port_[i][j][0|1]: where i reaches j's PUB / ROUTER
  std::vector<std::vector<std::array<uint16_t, 2>>> relay_port_;
};

bool all_peers_up(const Replicator& r);
// Replicated tables equal, tombstones and stamps included.
bool same_dump(const std::vector<HaChange>& a, const std::vector<HaChange>& b);

}  // namespace vxsn::hatest
