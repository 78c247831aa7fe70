// The software datapath's MbufSink on a net_ring port (transmits into the ring it receives
// from): copies sent by reference (header mbuf chained to the ingress payload) carry the
// same bytes as copies built whole, hold the ingress mbuf only until they are freed, and
// payloads below the threshold are still copied.
#include <gtest/gtest.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "driver/dpdk/eal.hpp"
#include "driver/dpdk/port.hpp"
#include "host/daemon/mbuf_sink.hpp"
#include "host/datapath/replicator.hpp"
#include "tests/datapath/test_frames.hpp"

namespace vxsn {
namespace {

using test::ip;
using test::mac;
using Bytes = std::vector<uint8_t>;

class EalEnvironment : public ::testing::Environment {
 public:
  void SetUp() override { eal_init(default_eal_args()); }
  void TearDown() override { eal_cleanup(); }
};

const auto* const kEal = ::testing::AddGlobalTestEnvironment(new EalEnvironment);

struct Received {
  Bytes bytes;
  uint16_t segments;
};

class MbufSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    PortConfig config;
    config.devargs = "net_ring0";
    port_ = DpdkPort::open(config);
    rte_eth_dev_info info{};
    ASSERT_EQ(rte_eth_dev_info_get(port_->id(), &info), 0);
    if ((info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS) == 0)
      GTEST_SKIP() << "net_ring does not advertise RTE_ETH_TX_OFFLOAD_MULTI_SEGS here";
    ports_ = {port_.get()};
    ReplicationParams params;
    params.own_v4 = ip("10.0.0.254");
    params.own_v6 = ip("fd00::fe");
    // IPv4 and IPv6 members: the IPv6 UDP checksum covers the payload sent by reference.
    table_ = FloodTableBuilder()
                 .set_params(params)
                 .set_egress_ports({EgressPort{mac("02:aa:00:00:00:00"), 9216}})
                 .add_vni(100,
                          {MemberSpec{ip("10.0.0.2"), true, mac("02:00:00:00:00:02"), 0},
                           MemberSpec{ip("10.0.0.3"), true, mac("02:00:00:00:00:03"), 0},
                           MemberSpec{ip("fd00::4"), true, mac("02:00:00:00:00:04"), 0}},
                          nullptr)
                 .build();
  }

  // A tagged VXLAN frame with Ethernet padding after the datagram (not to be copied).
  rte_mbuf* ingress(size_t inner_len) {
    test::FrameSpec spec;
    spec.vlan_tci = 7;
    spec.inner = test::inner_of_len(inner_len);
    spec.trailing = 6;
    const Bytes frame = test::build_frame(spec);
    rte_mbuf* m = rte_pktmbuf_alloc(port_->pool());
    char* p = m ? rte_pktmbuf_append(m, static_cast<uint16_t>(frame.size())) : nullptr;
    if (p == nullptr) return nullptr;
    std::copy(frame.begin(), frame.end(), p);
    return m;
  }

  unsigned replicate(rte_mbuf* m, uint32_t reference_min_payload) {
    MbufSink sink(ports_, counters_, 0, header_pool(), reference_min_payload);
    sink.set_ingress(m);
    const std::span<const uint8_t> frame(rte_pktmbuf_mtod(m, const uint8_t*),
                                         rte_pktmbuf_data_len(m));
    const unsigned copies = process_frame(frame, ParseConfig{}, *table_, counters_, sink);
    sink.flush_all();
    return copies;
  }

  std::vector<Received> receive_all() {
    std::vector<Received> out;
    rte_mbuf* burst[16];
    uint16_t n;
    while ((n = port_->rx_burst(burst, 16)) > 0) {
      for (uint16_t i = 0; i < n; ++i) {
        Bytes bytes(rte_pktmbuf_pkt_len(burst[i]));
        const void* p = rte_pktmbuf_read(burst[i], 0, bytes.size(), bytes.data());
        if (p != bytes.data())
          std::copy_n(static_cast<const uint8_t*>(p), bytes.size(), bytes.data());
        out.push_back({std::move(bytes), burst[i]->nb_segs});
        rte_pktmbuf_free(burst[i]);
      }
    }
    return out;
  }

  std::unique_ptr<DpdkPort> port_;
  std::vector<DpdkPort*> ports_;
  std::unique_ptr<FloodTable> table_;
  DatapathCounters counters_;
};

TEST_F(MbufSinkTest, CopiesByReferenceAreByteIdenticalToCopiesBuiltWhole) {
  rte_mbuf* m = ingress(1400);
  ASSERT_NE(m, nullptr);
  ASSERT_EQ(replicate(m, kNeverByReference), 3u);
  const std::vector<Received> whole = receive_all();
  ASSERT_EQ(replicate(m, 0), 3u);
  const std::vector<Received> referenced = receive_all();
  rte_pktmbuf_free(m);

  ASSERT_EQ(whole.size(), 3u);
  ASSERT_EQ(referenced.size(), 3u);
  for (size_t i = 0; i < whole.size(); ++i) {
    EXPECT_EQ(whole[i].segments, 1u) << "copy " << i;
    EXPECT_EQ(referenced[i].segments, 2u) << "copy " << i;
    EXPECT_EQ(referenced[i].bytes, whole[i].bytes) << "copy " << i;
  }
}

TEST_F(MbufSinkTest, ReferencedIngressMbufIsHeldUntilItsCopiesAreFreed) {
  rte_mbuf* m = ingress(1400);
  ASSERT_NE(m, nullptr);
  ASSERT_EQ(replicate(m, 0), 3u);
  EXPECT_EQ(rte_mbuf_refcnt_read(m), 4u);  // ours + one per copy in the ring
  receive_all();                           // frees the copies
  EXPECT_EQ(rte_mbuf_refcnt_read(m), 1u);
  rte_pktmbuf_free(m);
}

TEST_F(MbufSinkTest, WithNoSmallBufferLeftCopiesAreBuiltWholeNotDropped) {
  // A real pool of 64 small mbufs without a per-lcore cache: the sink takes all 64 at once,
  // enough for 32 copies by reference (a header and an indirect segment each).
  rte_mempool* tiny = rte_pktmbuf_pool_create("vxsn_tiny_headers", 64, 0, 0, 256, SOCKET_ID_ANY);
  ASSERT_NE(tiny, nullptr);
  rte_mbuf* m = ingress(1400);
  ASSERT_NE(m, nullptr);
  unsigned copies = 0;
  {
    MbufSink sink(ports_, counters_, 0, tiny, 0);
    sink.set_ingress(m);
    const std::span<const uint8_t> frame(rte_pktmbuf_mtod(m, const uint8_t*),
                                         rte_pktmbuf_data_len(m));
    for (int i = 0; i < 11; ++i) {  // 33 copies
      copies += process_frame(frame, ParseConfig{}, *table_, counters_, sink);
      sink.flush_all();
    }
  }
  const std::vector<Received> sent = receive_all();
  rte_pktmbuf_free(m);
  EXPECT_EQ(copies, 33u);
  EXPECT_EQ(counters_.snapshot().drop(DropReason::kNoBuffer), 0u);
  ASSERT_EQ(sent.size(), 33u);
  const auto chained =
      std::count_if(sent.begin(), sent.end(), [](const Received& r) { return r.segments == 2; });
  EXPECT_EQ(chained, 32) << "by reference while the small pool lasted";
  EXPECT_EQ(sent.size() - chained, 1u) << "then built whole";
  // The last copy (to the IPv6 member) was built whole; the first frame's copy to that
  // member went by reference: the same bytes either way.
  EXPECT_EQ(sent.back().segments, 1u);
  EXPECT_EQ(sent.back().bytes, sent[2].bytes);
  rte_mempool_free(tiny);
}

TEST_F(MbufSinkTest, PayloadsBelowTheThresholdAreCopied) {
  rte_mbuf* m = ingress(100);
  ASSERT_NE(m, nullptr);
  ASSERT_EQ(replicate(m, 1000), 3u);
  EXPECT_EQ(rte_mbuf_refcnt_read(m), 1u);
  const std::vector<Received> copies = receive_all();
  rte_pktmbuf_free(m);
  ASSERT_EQ(copies.size(), 3u);
  for (const Received& c : copies) EXPECT_EQ(c.segments, 1u);
}

}  // namespace
}  // namespace vxsn
