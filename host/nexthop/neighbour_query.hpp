// The kernel's neighbour table (ARP / NDP): read one entry, or ask the kernel to resolve one.
#pragma once

#include <cstdint>

#include "driver/net_types.hpp"
#include "host/nexthop/netlink_socket.hpp"

namespace vxsn {

struct NeighbourAnswer {
  enum class Status { kValid, kUnusable, kMissing, kError };
  Status status = Status::kError;
  uint16_t nud_state = 0;  // NUD_* as the kernel reported it
  MacAddr mac;
  int error = 0;  // -errno for kError
};

// RTM_GETNEIGH for (ifindex, addr). kValid only for REACHABLE/STALE/DELAY/PROBE/PERMANENT/NOARP
// with a non-zero MAC; kUnusable for INCOMPLETE/FAILED/NONE or a zero MAC.
NeighbourAnswer query_neighbour(NetlinkSocket& sock, int ifindex, const IpAddr& addr);

// `ip neigh replace ADDR dev IF use`: RTM_NEWNEIGH with NTF_USE makes the kernel start ARP/ND
// for ADDR as if a packet were waiting, without one being sent. Returns 0 or -errno.
int request_neighbour_resolution(NetlinkSocket& sock, int ifindex, const IpAddr& addr);

}  // namespace vxsn
