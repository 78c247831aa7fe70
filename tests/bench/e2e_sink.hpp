// The members of the end-to-end replicator benchmark: one namespace on the testbed's
// underlay bridge holding one address per member VTEP. Copies are counted and dropped at
// the interface's ingress hook (nftables netdev family), so receiving costs the same
// whoever replicates and no kernel socket or ICMP answer is involved.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "tests/integration/testbed.hpp"

namespace vxsn::test {

class MemberSink {
 public:
  // `count` addresses 10.99.0.100, .101, ... on the testbed's IPv4 underlay.
  MemberSink(const Testbed& testbed, int count);
  ~MemberSink();
  MemberSink(const MemberSink&) = delete;
  MemberSink& operator=(const MemberSink&) = delete;

  const std::vector<std::string>& addresses() const { return addresses_; }
  const std::string& mac() const { return mac_; }
  // IPv4 packets dropped at ingress so far (every copy that reached a member).
  uint64_t copies() const;

  struct Settled {
    uint64_t copies = 0;  // since `before`
    double seconds = 0;   // from `start` to the last copy, at least `floor_s`
  };
  // A replicator that fell behind still empties its queue: waits until no copy has come
  // for 250 ms (at most until `limit_s` after `start`).
  Settled settle(uint64_t before, std::chrono::steady_clock::time_point start, double floor_s,
                 double limit_s) const;

 private:
  std::string netns_;
  std::string mac_ = "02:99:00:00:00:aa";
  std::vector<std::string> addresses_;
};

}  // namespace vxsn::test
