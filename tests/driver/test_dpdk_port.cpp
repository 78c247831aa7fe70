// DpdkPort on net_ring ports with an EAL that needs no hugepages. The EAL can start once
// per process, so one global environment initialises it for every test here.
#include <gtest/gtest.h>
#include <rte_dev.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include <algorithm>
#include <fstream>
#include <stdexcept>
#include <vector>

#include "driver/dpdk/eal.hpp"
#include "driver/dpdk/port.hpp"

namespace vxsn {
namespace {

class EalEnvironment : public ::testing::Environment {
 public:
  void SetUp() override { eal_init(default_eal_args()); }
  void TearDown() override { eal_cleanup(); }
};

const auto* const kEal = ::testing::AddGlobalTestEnvironment(new EalEnvironment);

// A frame whose every byte depends on its length and position, so any truncation,
// reordering or mix-up between frames changes the bytes.
std::vector<uint8_t> pattern_frame(size_t len, uint8_t seed) {
  std::vector<uint8_t> f(len);
  for (size_t i = 0; i < len; ++i) f[i] = static_cast<uint8_t>(seed + i * 7 + len);
  return f;
}

rte_mbuf* to_mbuf(rte_mempool* pool, const std::vector<uint8_t>& frame) {
  rte_mbuf* m = rte_pktmbuf_alloc(pool);
  if (m == nullptr) return nullptr;
  char* p = rte_pktmbuf_append(m, static_cast<uint16_t>(frame.size()));
  if (p == nullptr) {
    rte_pktmbuf_free(m);
    return nullptr;
  }
  std::copy(frame.begin(), frame.end(), p);
  return m;
}

std::vector<uint8_t> from_mbuf(const rte_mbuf* m) {
  std::vector<uint8_t> out(rte_pktmbuf_pkt_len(m));
  const void* p = rte_pktmbuf_read(m, 0, out.size(), out.data());
  if (p != out.data()) std::copy_n(static_cast<const uint8_t*>(p), out.size(), out.data());
  return out;
}

long reserved_hugepages() {
  std::ifstream in("/proc/sys/vm/nr_hugepages");
  long n = 0;
  in >> n;
  return n;
}

TEST(Eal, SecondInitThrows) {
  EXPECT_THROW(eal_init(kDefaultEalArgs), std::runtime_error);
}

TEST(Eal, DefaultArgumentsFollowReservedHugepages) {
  const std::vector<std::string> args = default_eal_args();
  const bool in_memory = std::find(args.begin(), args.end(), "--in-memory") != args.end();
  const bool no_huge = std::find(args.begin(), args.end(), "--no-huge") != args.end();
  EXPECT_EQ(in_memory, reserved_hugepages() > 0);
  EXPECT_EQ(no_huge, reserved_hugepages() == 0);
}

TEST(RingPort, ReportsItsNameAndNoKernelInterface) {
  auto port = DpdkPort::open({.devargs = "net_ring0"});
  EXPECT_EQ(port->name(), "net_ring0");
  EXPECT_EQ(port->kernel_ifname(), "");
  EXPECT_TRUE(rte_eth_dev_is_valid_port(port->id()));
}

TEST(RingPort, CarriesTheConfiguredMaxFrameAndItsPoolHoldsIt) {
  auto big = DpdkPort::open({.devargs = "net_ring0", .max_frame_len = 9216});
  EXPECT_EQ(big->max_frame_len(), 9216u);
  EXPECT_GE(rte_pktmbuf_data_room_size(big->pool()), 9216u + RTE_PKTMBUF_HEADROOM);

  auto small = DpdkPort::open({.devargs = "net_ring1", .max_frame_len = 2000});
  EXPECT_EQ(small->max_frame_len(), 2000u);
  EXPECT_GE(rte_pktmbuf_data_room_size(small->pool()), 2000u + RTE_PKTMBUF_HEADROOM);
}

// A net_ring vdev without arguments transmits into the ring it receives from.
TEST(RingPort, FramesSentComeBackByteIdenticalAndAreCounted) {
  auto port = DpdkPort::open({.devargs = "net_ring0"});
  const std::vector<std::vector<uint8_t>> frames = {pattern_frame(60, 1), pattern_frame(1514, 2),
                                                    pattern_frame(9216, 3)};
  std::vector<rte_mbuf*> tx;
  for (const auto& f : frames) {
    tx.push_back(to_mbuf(port->pool(), f));
    ASSERT_NE(tx.back(), nullptr);
  }
  ASSERT_EQ(port->tx_burst(tx.data(), static_cast<uint16_t>(tx.size())), tx.size());

  rte_mbuf* rx[8] = {};
  const uint16_t n = port->rx_burst(rx, 8);
  ASSERT_EQ(n, frames.size());
  for (uint16_t i = 0; i < n; ++i) {
    EXPECT_EQ(from_mbuf(rx[i]), frames[i]) << "frame " << i;
    rte_pktmbuf_free(rx[i]);
  }

  const DpdkPort::Stats s = port->stats();
  EXPECT_EQ(s.opackets, 3u);
  EXPECT_EQ(s.ipackets, 3u);
  EXPECT_EQ(s.oerrors, 0u);
  // net_ring counts packets only: its byte counters stay 0.
}

// A port probed outside DpdkPort (e.g. --vdev on the EAL command line) is used as is.
TEST(RingPort, OpensAnExistingPortByName) {
  ASSERT_EQ(rte_dev_probe("net_ring7"), 0);
  uint16_t existing = 0;
  ASSERT_EQ(rte_eth_dev_get_port_by_name("net_ring7", &existing), 0);
  auto port = DpdkPort::open({.devargs = "net_ring7"});
  EXPECT_EQ(port->id(), existing);
  EXPECT_EQ(port->name(), "net_ring7");
}

TEST(RingPort, TwoPortsGetDistinctIdsAndPools) {
  auto a = DpdkPort::open({.devargs = "net_ring0"});
  auto b = DpdkPort::open({.devargs = "net_ring1"});
  EXPECT_NE(a->id(), b->id());
  EXPECT_NE(a->pool(), b->pool());
}

TEST(RingPort, CanBeOpenedAgainAfterClose) {
  uint16_t first = 0;
  {
    auto port = DpdkPort::open({.devargs = "net_ring0"});
    first = port->id();
  }
  EXPECT_FALSE(rte_eth_dev_is_valid_port(first));
  auto again = DpdkPort::open({.devargs = "net_ring0"});
  EXPECT_EQ(again->name(), "net_ring0");
}

TEST(Port, UnknownDriverThrowsNamingTheDevargs) {
  try {
    DpdkPort::open({.devargs = "net_nosuchpmd0,x=1"});
    FAIL() << "expected std::runtime_error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("net_nosuchpmd0,x=1"), std::string::npos) << e.what();
  }
}

TEST(Port, AfXdpWithoutInterfaceThrows) {
  EXPECT_THROW(DpdkPort::open({.devargs = "net_af_xdp9"}), std::runtime_error);
}

}  // namespace
}  // namespace vxsn
