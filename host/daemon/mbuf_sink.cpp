#include "host/daemon/mbuf_sink.hpp"

#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "hls/vxlan_wire.hpp"

namespace vxsn {
namespace {

constexpr uint16_t kHeaderRoom = wire::kOuterIpv6Len + wire::kVlanTagLen;

}  // namespace

bool sends_chains(const DpdkPort& port) {
  rte_eth_dev_info info{};
  return rte_eth_dev_info_get(port.id(), &info) == 0 &&
         (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS) != 0;
}

rte_mempool* header_pool() {
  constexpr const char* kName = "vxsn_hdr";
  if (rte_mempool* existing = rte_mempool_lookup(kName)) return existing;
  return rte_pktmbuf_pool_create(kName, kHeaderPoolSize, 256, 0, RTE_PKTMBUF_HEADROOM + kHeaderRoom,
                                 SOCKET_ID_ANY);
}

MbufSink::MbufSink(const std::vector<DpdkPort*>& ports, DatapathCounters& counters,
                   uint16_t tx_queue, rte_mempool* header_pool, uint32_t reference_min_payload)
    : ports_(ports),
      tx_(ports, counters, tx_queue),
      header_pool_(header_pool),
      reference_min_(ports.size(), kNeverByReference) {
  if (header_pool_ == nullptr) return;
  for (size_t i = 0; i < ports.size(); ++i)
    if (sends_chains(*ports[i])) reference_min_[i] = reference_min_payload;
}

MbufSink::~MbufSink() {
  if (stash_count_ > 0) rte_pktmbuf_free_bulk(stash_.data() + kStash - stash_count_, stash_count_);
}

uint8_t* MbufSink::acquire(uint16_t port, uint32_t len) {
  rte_mbuf* m = rte_pktmbuf_alloc(ports_[port]->pool());
  if (!m) return nullptr;
  char* data = rte_pktmbuf_append(m, static_cast<uint16_t>(len));
  if (!data) {
    rte_pktmbuf_free(m);
    return nullptr;
  }
  current_ = m;
  return reinterpret_cast<uint8_t*>(data);
}

rte_mbuf* MbufSink::take_small() {
  if (stash_count_ == 0) {
    if (rte_pktmbuf_alloc_bulk(header_pool_, stash_.data(), kStash) != 0) return nullptr;
    stash_count_ = kStash;
  }
  return stash_[kStash - stash_count_--];
}

uint8_t* MbufSink::acquire_header(uint16_t /*port*/, uint32_t header_len, const uint8_t* payload,
                                  uint16_t payload_len) {
  rte_mbuf* header = take_small();
  if (header == nullptr) return nullptr;
  rte_mbuf* body = take_small();
  if (body == nullptr) {
    rte_pktmbuf_free(header);
    return nullptr;
  }
  // The indirect segment shares the ingress buffer (refcount + 1) and shows only the
  // payload: not the ingress outer headers, not its Ethernet padding.
  rte_pktmbuf_attach(body, ingress_);
  body->data_off = static_cast<uint16_t>(body->data_off +
                                         (payload - rte_pktmbuf_mtod(ingress_, const uint8_t*)));
  body->data_len = payload_len;
  body->pkt_len = payload_len;
  char* data = rte_pktmbuf_append(header, static_cast<uint16_t>(header_len));
  if (data == nullptr || rte_pktmbuf_chain(header, body) != 0) {
    rte_pktmbuf_free(header);
    rte_pktmbuf_free(body);
    return nullptr;
  }
  current_ = header;
  return reinterpret_cast<uint8_t*>(data);
}

void MbufSink::commit(uint16_t port, uint32_t /*len*/) {
  tx_.add(port, current_);
  current_ = nullptr;
}

}  // namespace vxsn
