// Kernel notifications that can change a next hop: neighbours, routes, links, addresses.
#pragma once

#include <vector>

#include "driver/net_types.hpp"
#include "host/nexthop/netlink_socket.hpp"

namespace vxsn {

// What a batch of notifications means for the tracked targets.
struct RtnlChanges {
  bool anything = false;
  // A route, link or address changed, or notifications were lost: every target may differ.
  bool everything = false;
  // Neighbour entries that changed; only targets using one of them as next hop are affected.
  std::vector<IpAddr> neighbours;
};

class RtnlEventSocket {
 public:
  // Subscribes in the calling thread's network namespace. Throws std::system_error.
  RtnlEventSocket();
  int fd() const { return sock_.fd(); }
  // Reads every queued notification without blocking.
  RtnlChanges drain();

 private:
  NetlinkSocket sock_;
};

}  // namespace vxsn
