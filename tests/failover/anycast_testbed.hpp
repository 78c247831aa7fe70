// sim/anycast/anycast.sh from C++: a router, N vxsnd nodes announcing one anycast address
// over BGP (each with vxsn-health beside it), and Linux VTEPs behind the router. The
// nodes replicate their flood table over HA; only node 1 has static members.
#pragma once

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "tests/integration/testbed.hpp"

namespace vxsn::test {

class AnycastTestbed {
 public:
  // Builds the testbed and starts every node; throws (after removing it all) on failure.
  explicit AnycastTestbed(int nodes = 3, int vteps = 3, int vnis = 1);
  ~AnycastTestbed();
  AnycastTestbed(const AnycastTestbed&) = delete;
  AnycastTestbed& operator=(const AnycastTestbed&) = delete;

  int nodes() const { return nodes_; }
  const std::string& anycast() const { return anycast_; }
  const std::vector<Tenant>& tenants() const { return tenants_; }
  std::vector<Tenant> tenants_of(uint32_t vni) const;
  // The VTEPs' underlay addresses, from the testbed's own description (not from vxsnd).
  const std::vector<std::string>& vtep_ips() const { return vtep_ips_; }
  // The router's next hop for node k (1-based): its link address.
  std::string node_next_hop(int k) const;
  // Node k's name: its namespace, vxsnd's node id and its HA name.
  std::string node_name(int k) const { return prefix_ + "-n" + std::to_string(k); }

  // The next hops of the router's route to the anycast address (empty: no route).
  std::set<std::string> router_next_hops() const;
  bool wait_next_hops(const std::set<std::string>& expected,
                      std::chrono::milliseconds timeout) const;

  void start_node(int k) const;                           // vxsnd (and its checker if needed)
  void signal_node(int k, const std::string& sig) const;  // to vxsnd only
  bool node_ready(int k) const;                           // vxsnd's table resolved
  uint64_t node_rx_frames(int k) const;                   // from vxsnd's stats file
  std::string node_log(int k) const;                      // vxsnd's and vxsn-health's logs
  std::string node_socket(int k) const;                   // vxsnd's API socket

  // Through node k's API (vxsnctl --json): member address -> its sources ("static",
  // "peer", ...) in `vni`, and HA peer name -> state ("up", "down", ...). Empty when the
  // node does not answer.
  std::map<std::string, std::set<std::string>> node_members(int k, uint32_t vni) const;
  std::map<std::string, std::string> node_peers(int k) const;
  // The text `vxsnctl` prints for `args` against node k, for failure messages.
  std::string node_ctl(int k, const std::string& args) const;

  // One ping -c1 per attempt until answered or `wait_s` passes.
  bool ping(const Tenant& from, const Tenant& to, int wait_s = 3) const;

 private:
  std::string script(const std::string& args) const;
  std::string node_dir(int k) const;
  int nodes_;
  std::string prefix_;
  std::string anycast_;
  std::string state_dir_;
  std::vector<Tenant> tenants_;
  std::vector<std::string> vtep_ips_;
};

// ping -D -i 0.01 between two tenants for as long as it lives; stop() returns when ping
// has printed everything.
class PingFlood {
 public:
  PingFlood(const Tenant& from, const Tenant& to, const std::string& log_path);
  ~PingFlood();
  void stop();
  // Unix times (seconds) of the replies received, in order.
  std::vector<double> reply_times() const;
  int sent() const;  // from ping's summary, after stop()

 private:
  std::string log_path_;
  std::unique_ptr<ChildProcess> process_;
};

double unix_seconds_now();

}  // namespace vxsn::test
