// Per-port mbuf pools sized for the frames the port carries.
#pragma once

#include <cstdint>
#include <string>

struct rte_mempool;

namespace vxsn {

// A plain pktmbuf pool whose buffers hold `data_room` bytes (headroom included).
rte_mempool* create_mbuf_pool(const std::string& name, uint32_t count, uint32_t data_room,
                              int socket);

// A pktmbuf pool whose objects (mempool header + mbuf + data room) fill exactly one page.
// The af_xdp PMD registers the pool's memory as its UMEM with one object per chunk, and
// the kernel limits chunks to a page: bigger objects make the UMEM registration fail.
rte_mempool* create_page_sized_mbuf_pool(const std::string& name, uint32_t count, int socket);

// Bytes an af_xdp port receives whole in a buffer of `pool`: the data room less the mbuf
// headroom and the XDP headroom the kernel keeps in front of every frame.
uint32_t af_xdp_frame_capacity(const rte_mempool* pool);

}  // namespace vxsn
