// Open vSwitch as a VXLAN flooder for the end-to-end benchmark: a private ovsdb-server and
// ovs-vswitchd (database, sockets and logs in their own /tmp folder, never the
// system's) run as this process's children in the testbed's service-node namespace; a userspace
// bridge (datapath_type=netdev) takes the node's interface as an AF_XDP port. VXLAN to the service
// address goes to an OpenFlow group of type all, one bucket per member, each rewriting the
// outer Ethernet addresses and IP destination, decrementing the TTL and sending the frame
// back out of the port it came in on: what vxsnd does to each copy.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tests/integration/testbed.hpp"

namespace vxsn::test {

class OvsFlooder {
 public:
  // Why the OVS case cannot run here ("" when it can).
  static std::string unavailable();

  // `pmd_cpu` >= 0: its PMD thread (the one polling the AF_XDP port) on that CPU
  // (other_config:pmd-cpu-mask) and, with `other_cpu` >= 0, its other threads (the main
  // thread, handlers, revalidators) on that one, as vxsnd's lane and main lcore are.
  OvsFlooder(const Testbed& testbed, std::string member_mac, int pmd_cpu = -1, int other_cpu = -1);
  ~OvsFlooder();
  OvsFlooder(const OvsFlooder&) = delete;
  OvsFlooder& operator=(const OvsFlooder&) = delete;

  // Floods every VXLAN frame to the service address to `members` (replacing the previous
  // list). OpenFlow cannot match the VNI of a frame that is not decapsulated, so the
  // benchmark sends one VNI per case and reprograms the group between cases.
  void flood_to(const std::vector<std::string>& members);
  std::string port_type() const;  // what OVS logged about the AF_XDP port

 private:
  void tear_down();
  CommandResult ovs(const std::string& command) const;  // with this instance's folders
  std::string dir_;
  std::string bridge_;
  std::string port_;
  std::string member_mac_;
  std::string node_mac_;
  std::string service_ip_;
  std::unique_ptr<ChildProcess> ovsdb_;
  std::unique_ptr<ChildProcess> vswitchd_;
};

}  // namespace vxsn::test
