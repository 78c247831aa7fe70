// Where the kernel would send a packet for one target: egress interface and next-hop MAC.
#pragma once

#include <string>

#include "driver/net_types.hpp"

namespace vxsn {

struct NextHop {
  IpAddr via;             // the gateway, or the target itself when on-link
  int ifindex = 0;        // egress interface per the kernel's route
  std::string ifname;     // its name (if_indextoname)
  MacAddr mac;            // resolved neighbour MAC (zero unless resolved)
  bool resolved = false;  // a valid neighbour entry with a non-zero MAC
};

// Differences that matter to whoever sends frames: where and to which MAC.
inline bool same_resolution(const NextHop& a, const NextHop& b) {
  return a.resolved == b.resolved && a.mac == b.mac && a.ifindex == b.ifindex && a.via == b.via;
}

}  // namespace vxsn
