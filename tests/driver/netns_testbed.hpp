// Two network namespaces joined by a veth pair, private to one test process: the "node"
// end is where DPDK opens its port, the "peer" end plays the VTEP. Removed on destruction.
#pragma once

#include <functional>
#include <memory>
#include <string>

namespace vxsn::test {

class NetnsTestbed {
 public:
  // Builds the pair (MTU `mtu`, IPv4 + IPv6 addresses, checksum/segmentation offloads off
  // as the testbed does for AF_XDP/AF_PACKET consumers). Throws std::runtime_error.
  static std::unique_ptr<NetnsTestbed> create(int mtu);
  ~NetnsTestbed();

  std::string node_ns, peer_ns;  // names under /run/netns
  std::string node_if, peer_if;  // the veth ends
  std::string node_ip4 = "10.201.0.1", peer_ip4 = "10.201.0.2";
  std::string node_ip6 = "fd00:201::1", peer_ip6 = "fd00:201::2";

  // Moves the calling thread into the node namespace (threads it starts later follow).
  void enter_node() const;
  // Runs `fn` on a thread inside the peer namespace; sockets it creates stay there.
  void in_peer(const std::function<void()>& fn) const;
  // Runs a shell command; returns its exit status.
  static int sh(const std::string& command);
  // Runs a command and throws if it fails.
  static void must(const std::string& command);
  void set_mtu(int mtu) const;

 private:
  NetnsTestbed() = default;
  void destroy() noexcept;
  int original_ns_fd_ = -1;
};

}  // namespace vxsn::test
