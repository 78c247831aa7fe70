// What the benchmarks that replicate from real mbufs share: draining a net_ring port whose
// TX comes back on its RX, and rewriting a frame's VNI in place.
#pragma once

#include <rte_mbuf.h>

#include <array>
#include <cstddef>
#include <cstdint>

#include "driver/dpdk/port.hpp"

namespace vxsn::bench {

// Frees everything `port` sent (its RX is its own TX: a net_ring without arguments).
inline void drain_port(DpdkPort& port) {
  std::array<rte_mbuf*, 64> burst;
  uint16_t n;
  while ((n = port.rx_burst(burst.data(), burst.size())) > 0)
    rte_pktmbuf_free_bulk(burst.data(), n);
}

// Writes `vni` into the frame in `m` whose VNI field starts at byte `vni_at`.
inline void rewrite_vni(rte_mbuf* m, size_t vni_at, uint32_t vni) {
  uint8_t* p = rte_pktmbuf_mtod_offset(m, uint8_t*, vni_at);
  p[0] = uint8_t(vni >> 16);
  p[1] = uint8_t(vni >> 8);
  p[2] = uint8_t(vni);
}

}  // namespace vxsn::bench
