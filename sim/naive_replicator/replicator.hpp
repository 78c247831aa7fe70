// The obvious user-space VXLAN flooder a network engineer would write: one UDP socket on
// port 4789, recvmmsg a batch, and for each VXLAN datagram sendmmsg it unchanged to every
// member of its VNI but the sender; the kernel builds every outer header. The baseline
// that vxsnd is measured against (tests/bench/bench_e2e_replicators.cpp).
#pragma once

#include <csignal>
#include <cstdint>
#include <string>

#include "sim/naive_replicator/members.hpp"

namespace vxsn::naive {

struct Counters {
  uint64_t received = 0;             // datagrams read from the socket
  uint64_t sent = 0;                 // copies the kernel accepted
  uint64_t dropped_malformed = 0;    // shorter than the VXLAN header, I flag clear, truncated
  uint64_t dropped_unknown_vni = 0;  // no member list for the VNI
  uint64_t send_errors = 0;          // copies sendmmsg refused

  std::string to_string() const;
};

class Replicator {
 public:
  // `fd`: a bound UDP socket of the members' family. `batch`: datagrams per recvmmsg.
  Replicator(int fd, const MemberTable& members, unsigned batch);

  // Replicates until `stop` is set (a signal handler sets it; recvmmsg returns EINTR).
  void run(const volatile std::sig_atomic_t& stop);
  const Counters& counters() const { return counters_; }

 private:
  int fd_;
  const MemberTable& members_;
  unsigned batch_;
  Counters counters_;
};

}  // namespace vxsn::naive
