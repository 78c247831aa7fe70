// The kernel's own counters of AF_XDP sockets (getsockopt SOL_XDP / XDP_STATISTICS).
// DPDK 22.11's net_af_xdp puts only rx_dropped of them (no fill-ring buffer, frame too big)
// into the port's imissed; a frame the kernel could not put on the socket's full RX ring
// (rx_ring_full) shows in no ethdev counter, only as a drop on the kernel interface.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace vxsn {

struct XskStatistics {
  uint64_t rx_dropped = 0;    // no fill-ring buffer for the frame, or the frame too big
  uint64_t rx_ring_full = 0;  // the socket's RX ring full: the XDP redirect failed
  XskStatistics& operator+=(const XskStatistics& o) {
    rx_dropped += o.rx_dropped;
    rx_ring_full += o.rx_ring_full;
    return *this;
  }
};

// Null if `fd` is not an AF_XDP socket or the kernel has no XDP_STATISTICS for it.
std::optional<XskStatistics> xsk_statistics(int fd);
// Summed over `fds` (those that answer).
XskStatistics xsk_statistics(const std::vector<int>& fds);

}  // namespace vxsn
