#include "driver/dpdk/mbuf_pool.hpp"

#include <linux/bpf.h>
#include <rte_errno.h>
#include <rte_mbuf.h>
#include <rte_mbuf_pool_ops.h>
#include <rte_mempool.h>
#include <unistd.h>

#include <algorithm>
#include <stdexcept>

namespace vxsn {

namespace {

// A per-lcore cache smaller than the pool/1.5, as rte_mempool requires.
uint32_t cache_size_for(uint32_t count) {
  return std::min<uint32_t>(256, count * 2 / 3);
}

[[noreturn]] void throw_pool_error(const std::string& name, const std::string& what) {
  throw std::runtime_error("cannot create mbuf pool '" + name + "': " + what);
}

}  // namespace

rte_mempool* create_mbuf_pool(const std::string& name, uint32_t count, uint32_t data_room,
                              int socket) {
  if (data_room > UINT16_MAX) throw_pool_error(name, "data room above 65535 bytes");
  rte_mempool* pool = rte_pktmbuf_pool_create(name.c_str(), count, cache_size_for(count), 0,
                                              static_cast<uint16_t>(data_room), socket);
  if (pool == nullptr) throw_pool_error(name, rte_strerror(rte_errno));
  return pool;
}

rte_mempool* create_page_sized_mbuf_pool(const std::string& name, uint32_t count, int socket) {
  const uint32_t page = static_cast<uint32_t>(sysconf(_SC_PAGESIZE));
  // NO_SPREAD: the default channel-spreading padding would push objects past a page.
  const unsigned flags = RTE_MEMPOOL_F_NO_SPREAD;
  rte_mempool_objsz parts{};
  rte_mempool_calc_obj_size(sizeof(rte_mbuf), flags, &parts);
  const uint32_t data_room = page - parts.header_size - sizeof(rte_mbuf);
  const uint32_t elt_size = sizeof(rte_mbuf) + data_room;
  if (rte_mempool_calc_obj_size(elt_size, flags, nullptr) != page) {
    throw_pool_error(name, "mbuf objects do not fit one page exactly");
  }

  rte_mempool* pool = rte_mempool_create_empty(name.c_str(), count, elt_size, cache_size_for(count),
                                               sizeof(rte_pktmbuf_pool_private), socket, flags);
  if (pool == nullptr) throw_pool_error(name, rte_strerror(rte_errno));
  rte_pktmbuf_pool_private priv{};
  priv.mbuf_data_room_size = static_cast<uint16_t>(data_room);
  priv.mbuf_priv_size = 0;
  int rc = rte_mempool_set_ops_byname(pool, rte_mbuf_best_mempool_ops(), nullptr);
  if (rc == 0) {
    rte_pktmbuf_pool_init(pool, &priv);
    rc = rte_mempool_populate_default(pool);
  }
  if (rc < 0) {
    rte_mempool_free(pool);
    throw_pool_error(name, rte_strerror(-rc));
  }
  rte_mempool_obj_iter(pool, rte_pktmbuf_init, nullptr);
  return pool;
}

uint32_t af_xdp_frame_capacity(const rte_mempool* pool) {
  const uint32_t room = rte_pktmbuf_data_room_size(const_cast<rte_mempool*>(pool));
  const uint32_t reserved = RTE_PKTMBUF_HEADROOM + XDP_PACKET_HEADROOM;
  return room > reserved ? room - reserved : 0;
}

}  // namespace vxsn
