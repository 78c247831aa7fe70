// A private L2 segment for an HA cluster: one network namespace per node, each joined by a
// veth pair to a bridge in a hub namespace. Cutting a node means setting its hub-side veth
// down, so the node keeps its address and its sockets and simply stops hearing anyone.
#pragma once

#include <string>
#include <vector>

namespace vxsn::hae2e {

class NetnsFabric {
 public:
  // Builds the hub and `nodes` node namespaces (throws std::runtime_error on failure, after
  // removing what was built). Names start with a prefix unique to this process.
  explicit NetnsFabric(int nodes);
  ~NetnsFabric();
  NetnsFabric(const NetnsFabric&) = delete;
  NetnsFabric& operator=(const NetnsFabric&) = delete;

  const std::string& prefix() const { return prefix_; }
  int nodes() const { return nodes_; }
  std::string hub_ns() const { return prefix_ + "h"; }
  std::string node_ns(int i) const { return prefix_ + "n" + std::to_string(i); }
  std::string node_if(int i) const { return prefix_ + "a" + std::to_string(i); }
  std::string hub_if(int i) const { return prefix_ + "b" + std::to_string(i); }
  // The node's address on the shared segment (its HA endpoints listen there).
  std::string address(int i) const { return "10.213.0." + std::to_string(i + 1); }

  void cut(int i);   // the node's hub-side link down: a partition
  void heal(int i);  // and up again

 private:
  void build();
  void tear_down();
  std::string prefix_;
  int nodes_;
};

// Runs `sh -c command`; returns the exit code, output (stdout + stderr) in `output`.
int run_command(const std::string& command, std::string* output = nullptr);
// Runs it and throws std::runtime_error with its output when it fails.
void must_run(const std::string& command);

}  // namespace vxsn::hae2e
