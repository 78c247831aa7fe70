// A cluster of real vxsnd processes replicating over HA: each node in its own namespace of a
// NetnsFabric, with its own CURVE key pair (made by `vxsnctl keygen`), config file, API
// socket and stats file in one temporary directory that is removed with the cluster.
#pragma once

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "host/ctl/api_client.hpp"
#include "tests/ha_e2e/netns_fabric.hpp"
#include "tests/ha_e2e/node_process.hpp"

namespace vxsn::hae2e {

// Every node serves its metrics on this port of its namespace's loopback.
inline constexpr uint16_t kMetricsPort = 9464;

struct NodeSpec {
  std::string name;  // node id, and the peer name the others know it by
  // false: no other node lists this one as a peer (it still lists the trusted nodes).
  bool trusted = true;
  // Listed by the others with the public key of one pair, but runs with another pair's
  // secret key: its identity does not match what the peers expect.
  bool wrong_key = false;
};

struct ClusterTimers {
  uint32_t heartbeat_interval_ms = 50;
  uint32_t dead_interval_ms = 500;
};

class HaCluster {
 public:
  // Builds the fabric, the keys and every node's config; starts nothing.
  explicit HaCluster(std::vector<NodeSpec> specs, ClusterTimers timers = {});
  // Stops every node, then removes the namespaces and the directory.
  ~HaCluster();
  HaCluster(const HaCluster&) = delete;
  HaCluster& operator=(const HaCluster&) = delete;

  int size() const { return static_cast<int>(specs_.size()); }
  const NodeSpec& spec(int i) const { return specs_.at(i); }
  const ClusterTimers& timers() const { return timers_; }
  NetnsFabric& fabric() { return fabric_; }
  std::string publish_endpoint(int i) const;
  // The node's [node] service address: its own address on the fabric, so the registration
  // server (UDP 10001) can be reached from the node's namespace or any other on the bridge.
  std::string service_address(int i) const { return fabric_.address(i); }

  // Starts node i and waits until its API answers; false (with the log in `why`) if it
  // exited or did not answer within `timeout`.
  bool start(int i, std::string* why = nullptr,
             std::chrono::milliseconds timeout = std::chrono::seconds(15));
  void kill_hard(int i);  // SIGKILL
  bool running(int i);

  // A fresh API connection to node i (throws if it does not answer).
  std::unique_ptr<ApiClient> client(int i) const;
  // The latest stats file of node i; an empty object when absent or half-written.
  nlohmann::json stats(int i) const;
  std::string log(int i) const;
  std::string config_path(int i) const;
  std::string config_text(int i) const;

 private:
  std::string node_dir(int i) const;
  void write_keys();
  std::string public_key_of(int i) const;  // the key the others are told
  std::string key_prefix(int i, bool real) const;

  std::vector<NodeSpec> specs_;
  ClusterTimers timers_;
  NetnsFabric fabric_;
  std::string dir_;
  std::vector<std::unique_ptr<NodeProcess>> processes_;
};

// Polls `condition` every `interval` until it holds (true) or `timeout` passes (false).
template <class F>
bool wait_for(F&& condition, std::chrono::milliseconds timeout,
              std::chrono::milliseconds interval = std::chrono::milliseconds(20));

std::string vxsnd_path();
std::string vxsnctl_path();

}  // namespace vxsn::hae2e

#include <thread>

template <class F>
bool vxsn::hae2e::wait_for(F&& condition, std::chrono::milliseconds timeout,
                           std::chrono::milliseconds interval) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(interval);
  }
}
