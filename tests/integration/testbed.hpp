// The sim/ testbed from C++: real Linux VTEPs in namespaces, and vxsnd started in the
// service node's namespace with a config written for that testbed.
#pragma once

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/integration/process.hpp"

namespace vxsn::test {

struct Tenant {
  std::string netns;
  uint32_t vni;
  std::string ip;
};

struct TestbedOptions {
  int vteps = 3;
  int vnis = 2;
  bool jumbo = false;
};

// Builds the testbed on construction (throws on failure) and removes all of it on
// destruction. The prefix is unique per process so parallel runs never collide.
class Testbed {
 public:
  explicit Testbed(TestbedOptions options = {});
  ~Testbed();

  const std::string& prefix() const { return prefix_; }
  std::string node_ns() const { return prefix_ + "-sn"; }
  std::string node_if() const { return prefix_ + "-sn0"; }
  const std::string& service_ip() const { return service_ip_; }
  const std::vector<std::string>& vtep_ips() const { return vtep_ips_; }
  std::string vtep_ns(int n) const { return prefix_ + "-v" + std::to_string(n); }
  const std::vector<Tenant>& tenants() const { return tenants_; }
  std::vector<Tenant> tenants_of(uint32_t vni) const;
  std::vector<uint32_t> vnis() const;
  const TestbedOptions& options() const { return options_; }

  // Pings from a tenant until answered (true) or `wait_s` seconds pass (false).
  bool ping(const Tenant& from, const Tenant& to, int size = 56, bool dont_fragment = false,
            int wait_s = 1) const;

 private:
  std::string script(const std::string& args) const;
  TestbedOptions options_;
  std::string prefix_;
  std::string service_ip_;
  std::vector<std::string> vtep_ips_;
  std::vector<Tenant> tenants_;
};

// VNI -> VTEP numbers (1-based) that are its members.
using Membership = std::map<uint32_t, std::vector<int>>;

struct NodeOptions {
  std::string port_device;   // default: AF_XDP on the node's interface
  std::string extra_config;  // TOML tables put before the generated ones, e.g. [datapath]
  Membership members;        // default: every VTEP in every VNI
  // More VNIs whose members are addresses rather than testbed VTEPs (benchmarks' sinks).
  std::map<uint32_t, std::vector<std::string>> member_addresses;
  uint32_t max_frame_len = 0;  // the port's, when set
  std::string node_keys;       // more keys of the [node] table, e.g. state_file = "..."
  std::string port_keys;       // more keys of the [[port]] table, e.g. kernel_interface
};

// vxsnd running in the testbed's service node namespace, configured with every VTEP as a
// static member of every VNI.
class Node {
 public:
  Node(const Testbed& testbed, NodeOptions options = {});
  ~Node();

  ChildProcess& process() { return *process_; }
  // Starts vxsnd again with the same config (after process().terminate()); the old log is
  // kept beside the new one.
  void restart();
  const std::string& config_path() const { return config_path_; }
  // The node's own directory: config, stats file and API socket (vxsnd.sock).
  const std::string& dir() const { return dir_; }
  // Rewrites the config file (for SIGHUP reload tests).
  void write_config(const std::string& toml) const;
  std::string config_text(const Membership& members) const;
  Membership every_vtep_in_every_vni() const;
  // The latest counters vxsnd wrote; an empty object until the first write.
  nlohmann::json stats() const;
  // Counters written after this call: they include everything sent before it.
  nlohmann::json fresh_stats() const;
  // Waits until vxsnd has a table with every member resolved.
  bool wait_ready(std::chrono::milliseconds timeout = std::chrono::seconds(20)) const;
  // A drop counter from the latest stats file, 0 when absent.
  uint64_t drop_count(const std::string& reason) const;

 private:
  const Testbed& testbed_;
  NodeOptions options_;
  std::string dir_;
  std::string config_path_;
  std::string stats_path_;
  std::unique_ptr<ChildProcess> process_;
};

// Path of a built binary, e.g. binary("host/daemon/vxsnd").
std::string binary(const std::string& relative);
std::string source_path(const std::string& relative);

}  // namespace vxsn::test
