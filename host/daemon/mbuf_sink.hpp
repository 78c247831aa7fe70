// The software datapath's copy sink: every copy in mbufs of its own, queued for TX on the
// lane's queue of its egress port. Two ways to build a copy:
//  copy          one mbuf from the egress port's pool, the whole frame written into it;
//  by reference  a small header mbuf (outer Ethernet/IP/UDP) chained to an indirect mbuf
//                attached to the ingress frame's VXLAN header + inner frame (refcount), for
//                payloads of at least `reference_min_payload` bytes on ports that send
//                chains (RTE_ETH_TX_OFFLOAD_MULTI_SEGS). The ingress mbuf then lives until
//                the last copy referring to it is transmitted.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "driver/dpdk/port.hpp"
#include "host/daemon/poll_loop.hpp"
#include "host/datapath/counters.hpp"

struct rte_mbuf;
struct rte_mempool;

namespace vxsn {

// Payloads (VXLAN header + inner frame) from this size on are sent by reference where the
// port can. Measured with tests/bench/bench_mbuf_replication (docs/performance.md): a
// by-reference copy costs ~35-45 ns whatever its size, a copied one ~40 ns up to 1400-byte
// inner frames, ~45-80 ns at 2 KB and 100-180 ns at 9000 B; at ~1.5 KB they are even, so
// standard-MTU frames keep the simpler single-segment copy and jumbo payloads are shared.
inline constexpr uint32_t kDefaultReferenceMinPayload = 2048;
inline constexpr uint32_t kNeverByReference = UINT32_MAX;

// The process's pool of small mbufs for by-reference copies (outer headers and indirect
// payload segments; data room: headroom + the largest outer header), created on first use
// (EAL up) and never freed: copies still queued on a port may hold its mbufs until the
// port closes, so the EAL's cleanup releases it. Null if it cannot be created.
inline constexpr uint32_t kHeaderPoolSize = 16383;
rte_mempool* header_pool();

// The port's PMD advertises RTE_ETH_TX_OFFLOAD_MULTI_SEGS (it sends mbuf chains whole).
bool sends_chains(const DpdkPort& port);

class MbufSink {
 public:
  // `header_pool` null or reference_min_payload kNeverByReference: every copy is copied.
  MbufSink(const std::vector<DpdkPort*>& ports, DatapathCounters& counters, uint16_t tx_queue,
           rte_mempool* header_pool = nullptr, uint32_t reference_min_payload = kNeverByReference);
  ~MbufSink();
  MbufSink(const MbufSink&) = delete;
  MbufSink& operator=(const MbufSink&) = delete;

  // The ingress mbuf of the frame being replicated (the one payloads are referenced in).
  void set_ingress(rte_mbuf* m) { ingress_ = m; }

  uint8_t* acquire(uint16_t port, uint32_t len);
  bool by_reference(uint16_t port, uint16_t payload_len) const {
    return payload_len >= reference_min_[port] && ingress_ != nullptr;
  }
  uint8_t* acquire_header(uint16_t port, uint32_t header_len, const uint8_t* payload,
                          uint16_t payload_len);
  void commit(uint16_t port, uint32_t len);

  void flush_all() { tx_.flush_all(); }

 private:
  static constexpr unsigned kStash = 64;
  rte_mbuf* take_small();

  const std::vector<DpdkPort*>& ports_;
  TxBatcher tx_;
  rte_mempool* header_pool_;
  std::vector<uint32_t> reference_min_;  // per port; kNeverByReference where no chains
  rte_mbuf* ingress_ = nullptr;
  rte_mbuf* current_ = nullptr;
  // Small mbufs taken from header_pool_ kStash at a time (rte_pktmbuf_alloc_bulk).
  std::array<rte_mbuf*, kStash> stash_{};
  unsigned stash_count_ = 0;
};

}  // namespace vxsn
