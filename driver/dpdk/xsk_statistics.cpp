#include "driver/dpdk/xsk_statistics.hpp"

#include <linux/if_xdp.h>
#include <sys/socket.h>

#include <cstddef>

#ifndef SOL_XDP
#define SOL_XDP 283
#endif

namespace vxsn {

std::optional<XskStatistics> xsk_statistics(int fd) {
  xdp_statistics s{};
  socklen_t len = sizeof s;
  if (getsockopt(fd, SOL_XDP, XDP_STATISTICS, &s, &len) != 0) return std::nullopt;
  // Kernels before 5.9 fill only the first three fields (no rx_ring_full): zero then.
  XskStatistics out;
  out.rx_dropped = s.rx_dropped;
  if (len >= offsetof(xdp_statistics, rx_ring_full) + sizeof s.rx_ring_full)
    out.rx_ring_full = s.rx_ring_full;
  return out;
}

XskStatistics xsk_statistics(const std::vector<int>& fds) {
  XskStatistics sum;
  for (int fd : fds)
    if (std::optional<XskStatistics> s = xsk_statistics(fd)) sum += *s;
  return sum;
}

}  // namespace vxsn
