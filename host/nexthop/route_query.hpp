// `ip route get ADDR`: the kernel's egress interface and next hop for one destination.
#pragma once

#include "driver/net_types.hpp"
#include "host/nexthop/netlink_socket.hpp"

namespace vxsn {

struct RouteAnswer {
  enum class Status { kRoute, kNoRoute, kError };
  Status status = Status::kError;
  IpAddr via;       // gateway (RTA_GATEWAY / RTA_VIA), else the destination itself
  int ifindex = 0;  // RTA_OIF
  int error = 0;    // -errno for kError
};

// Only unicast routes with an output interface count; local, broadcast, blackhole and
// unreachable destinations are kNoRoute because no neighbour can be sent to for them.
RouteAnswer query_route(NetlinkSocket& sock, const IpAddr& dst);

}  // namespace vxsn
