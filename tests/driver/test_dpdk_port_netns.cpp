// DpdkPort on a veth between two private namespaces: af_xdp with the steering program
// (DPDK gets VXLAN, the kernel keeps ARP/ND/ping/other UDP) and af_packet with jumbo
// frames. The process joins the node namespace before the EAL starts, so DPDK's threads
// live there too.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <rte_mbuf.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>
#include <vector>

#include "driver/dpdk/devargs.hpp"
#include "driver/dpdk/eal.hpp"
#include "driver/dpdk/port.hpp"
#include "driver/steering/xdp_rules.hpp"
#include "netns_testbed.hpp"

namespace vxsn {
namespace {

using test::NetnsTestbed;
using Frame = std::vector<uint8_t>;

// Largest MTU a veth takes while a non-multi-buffer XDP program is attached (found by
// trying: 3520 is refused with "Peer MTU is too large to set XDP").
constexpr int kXdpVethMtu = 3506;
constexpr uint16_t kVxlanPort = 4789;
// BFD: UDP the steering policy leaves to the kernel even on the service address.
constexpr uint16_t kHostUdpPort = 3784;
constexpr uint16_t kTestEtherType = 0x88B5;  // IEEE local experimental

NetnsTestbed* g_bed = nullptr;

class NetnsEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    try {
      bed_ = NetnsTestbed::create(kXdpVethMtu);
      bed_->enter_node();
      eal_init(default_eal_args());
      g_bed = bed_.get();
    } catch (const std::exception& e) {
      FAIL() << "testbed: " << e.what();
    }
  }
  void TearDown() override {
    g_bed = nullptr;
    eal_cleanup();
    bed_.reset();
  }

 private:
  std::unique_ptr<NetnsTestbed> bed_;
};

const auto* const kEnv = ::testing::AddGlobalTestEnvironment(new NetnsEnvironment);

// ---- helpers: reading the kernel's view, independent of the code under test ----

MacAddr iface_mac(const std::string& ifname) {
  MacAddr mac;
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  ifreq ifr{};
  std::snprintf(ifr.ifr_name, IFNAMSIZ, "%s", ifname.c_str());
  if (ioctl(fd, SIOCGIFHWADDR, &ifr) == 0) std::memcpy(mac.bytes.data(), ifr.ifr_hwaddr.sa_data, 6);
  close(fd);
  return mac;
}

MacAddr peer_mac() {
  MacAddr mac;
  g_bed->in_peer([&] { mac = iface_mac(g_bed->peer_if); });
  return mac;
}

// A counter from /proc/net/snmp ("Udp:" header line, then values) in this thread's netns.
uint64_t snmp_counter(const std::string& proto, const std::string& field) {
  std::ifstream in("/proc/thread-self/net/snmp");
  std::string header, values;
  while (std::getline(in, header) && std::getline(in, values)) {
    if (!header.starts_with(proto + ":")) continue;
    std::istringstream h(header), v(values);
    std::string name, value;
    while (h >> name && v >> value) {
      if (name == field) return std::stoull(value);
    }
  }
  ADD_FAILURE() << "no " << proto << " " << field << " in /proc/net/snmp";
  return 0;
}

uint64_t snmp6_counter(const std::string& field) {
  std::ifstream in("/proc/thread-self/net/snmp6");
  std::string name;
  uint64_t value = 0;
  while (in >> name >> value) {
    if (name == field) return value;
  }
  ADD_FAILURE() << "no " << field << " in /proc/net/snmp6";
  return 0;
}

bool xdp_attached_per_ip_link() {
  FILE* p = popen(("ip -n " + g_bed->node_ns + " link show dev " + g_bed->node_if).c_str(), "r");
  std::string out;
  char buf[512];
  while (p != nullptr && fgets(buf, sizeof buf, p) != nullptr) out += buf;
  if (p != nullptr) pclose(p);
  return out.find("xdp") != std::string::npos;
}

// ---- helpers: traffic ----

void send_udp_from_peer(int family, const std::string& dst, uint16_t port, const Frame& payload) {
  g_bed->in_peer([&] {
    const int fd = socket(family, SOCK_DGRAM, 0);
    sockaddr_storage ss{};
    socklen_t len = 0;
    if (family == AF_INET) {
      auto* a = reinterpret_cast<sockaddr_in*>(&ss);
      a->sin_family = AF_INET;
      a->sin_port = htons(port);
      inet_pton(AF_INET, dst.c_str(), &a->sin_addr);
      len = sizeof(*a);
    } else {
      auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
      a->sin6_family = AF_INET6;
      a->sin6_port = htons(port);
      inet_pton(AF_INET6, dst.c_str(), &a->sin6_addr);
      len = sizeof(*a);
    }
    const ssize_t sent =
        sendto(fd, payload.data(), payload.size(), 0, reinterpret_cast<sockaddr*>(&ss), len);
    close(fd);
    if (sent != static_cast<ssize_t>(payload.size())) throw std::runtime_error("sendto failed");
  });
}

// A raw socket on the peer's veth for one EtherType; it stays in the peer namespace.
int open_peer_raw_socket(uint16_t ethertype) {
  int fd = -1;
  g_bed->in_peer([&] {
    fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ethertype));
    sockaddr_ll sll{};
    sll.sll_family = AF_PACKET;
    sll.sll_protocol = htons(ethertype);
    sll.sll_ifindex = static_cast<int>(if_nametoindex(g_bed->peer_if.c_str()));
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&sll), sizeof sll) != 0) {
      throw std::runtime_error("raw socket in peer namespace");
    }
    timeval tv{.tv_sec = 5, .tv_usec = 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  });
  return fd;
}

// The next frame arriving at the peer from outside (not one the peer sent), or nullopt.
std::optional<Frame> receive_at_peer(int fd) {
  Frame buf(70000);
  for (;;) {
    sockaddr_ll from{};
    socklen_t len = sizeof from;
    const ssize_t n =
        recvfrom(fd, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&from), &len);
    if (n < 0) return std::nullopt;
    if (from.sll_pkttype == PACKET_OUTGOING) continue;
    buf.resize(static_cast<size_t>(n));
    return buf;
  }
}

void send_raw_from_peer(const Frame& frame) {
  g_bed->in_peer([&] {
    const int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
    sockaddr_ll sll{};
    sll.sll_family = AF_PACKET;
    sll.sll_ifindex = static_cast<int>(if_nametoindex(g_bed->peer_if.c_str()));
    sll.sll_halen = 6;
    const ssize_t sent =
        sendto(fd, frame.data(), frame.size(), 0, reinterpret_cast<sockaddr*>(&sll), sizeof sll);
    close(fd);
    if (sent != static_cast<ssize_t>(frame.size())) {
      throw std::runtime_error("raw send of " + std::to_string(frame.size()) + " bytes failed");
    }
  });
}

// Ethernet frame dst/src/kTestEtherType with a position-dependent payload, `len` bytes.
Frame test_frame(const MacAddr& dst, const MacAddr& src, size_t len, uint8_t seed) {
  Frame f(len);
  std::copy(dst.bytes.begin(), dst.bytes.end(), f.begin());
  std::copy(src.bytes.begin(), src.bytes.end(), f.begin() + 6);
  f[12] = kTestEtherType >> 8;
  f[13] = kTestEtherType & 0xff;
  for (size_t i = 14; i < len; ++i) f[i] = static_cast<uint8_t>(seed + i * 13 + (i >> 8));
  return f;
}

// A VXLAN header (I flag, VNI) and a small inner frame: what a VTEP sends to port 4789.
Frame vxlan_payload(uint32_t vni, uint8_t seed) {
  Frame p = {0x08, 0, 0, 0, uint8_t(vni >> 16), uint8_t(vni >> 8), uint8_t(vni), 0};
  for (int i = 0; i < 42; ++i) p.push_back(static_cast<uint8_t>(seed + i));
  return p;
}

// Ethernet / 802.1Q (vid) / IPv4 / UDP (to dport) / payload, checksums filled in.
Frame tagged_ipv4_udp_frame(const MacAddr& dst, const MacAddr& src, uint16_t vid, uint16_t dport,
                            const Frame& payload) {
  Frame f(dst.bytes.begin(), dst.bytes.end());
  f.insert(f.end(), src.bytes.begin(), src.bytes.end());
  const uint16_t ip_len = static_cast<uint16_t>(20 + 8 + payload.size());
  const uint16_t udp_len = static_cast<uint16_t>(8 + payload.size());
  const uint8_t ip[20] = {0x45,
                          0,
                          uint8_t(ip_len >> 8),
                          uint8_t(ip_len),
                          0,
                          1,
                          0x40,
                          0,
                          64,
                          IPPROTO_UDP,
                          0,
                          0,
                          10,
                          202,
                          0,
                          2,
                          10,
                          202,
                          0,
                          1};
  f.insert(f.end(), {0x81, 0x00, uint8_t(vid >> 8), uint8_t(vid), 0x08, 0x00});
  const size_t ip_at = f.size();
  f.insert(f.end(), ip, ip + 20);
  uint32_t sum = 0;
  for (int i = 0; i < 20; i += 2) sum += static_cast<uint32_t>(ip[i] << 8 | ip[i + 1]);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  f[ip_at + 10] = static_cast<uint8_t>(~sum >> 8);
  f[ip_at + 11] = static_cast<uint8_t>(~sum);
  // UDP checksum 0: "none" is valid over IPv4, and XDP never looks at it.
  f.insert(f.end(), {0x9c, 0x40, uint8_t(dport >> 8), uint8_t(dport), uint8_t(udp_len >> 8),
                     uint8_t(udp_len), 0, 0});
  f.insert(f.end(), payload.begin(), payload.end());
  return f;
}

struct UdpView {
  uint16_t ethertype = 0;  // after any VLAN tag
  std::optional<uint16_t> vlan_id;
  uint16_t dport = 0;
  Frame payload;
};

uint16_t be16(const Frame& f, size_t at) {
  return static_cast<uint16_t>(f[at] << 8 | f[at + 1]);
}

std::optional<UdpView> parse_udp(const Frame& f) {
  UdpView v;
  size_t l3 = 14;
  if (f.size() < 14) return std::nullopt;
  v.ethertype = be16(f, 12);
  if (v.ethertype == 0x8100) {
    if (f.size() < 18) return std::nullopt;
    v.vlan_id = be16(f, 14) & 0x0fff;
    v.ethertype = be16(f, 16);
    l3 = 18;
  }
  size_t udp = 0;
  if (v.ethertype == 0x0800 && f.size() >= l3 + 20 && f[l3 + 9] == IPPROTO_UDP) {
    udp = l3 + (f[l3] & 0x0f) * 4u;
  } else if (v.ethertype == 0x86DD && f.size() >= l3 + 40 && f[l3 + 6] == IPPROTO_UDP) {
    udp = l3 + 40;
  } else {
    return std::nullopt;
  }
  if (f.size() < udp + 8) return std::nullopt;
  v.dport = be16(f, udp + 2);
  const size_t udp_len = be16(f, udp + 4);
  if (udp_len < 8 || f.size() < udp + udp_len) return std::nullopt;
  v.payload.assign(f.begin() + static_cast<long>(udp + 8),
                   f.begin() + static_cast<long>(udp + udp_len));
  return v;
}

Frame from_mbuf(const rte_mbuf* m) {
  Frame out(rte_pktmbuf_pkt_len(m));
  const void* p = rte_pktmbuf_read(m, 0, out.size(), out.data());
  if (p != out.data()) std::memcpy(out.data(), p, out.size());
  return out;
}

// Every frame DPDK receives until one satisfies `wanted` (or 5 s pass without it).
template <class Pred>
std::vector<Frame> receive_until(DpdkPort& port, Pred wanted) {
  std::vector<Frame> got;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    rte_mbuf* burst[32];
    const uint16_t n = port.rx_burst(burst, 32);
    bool done = false;
    for (uint16_t i = 0; i < n; ++i) {
      got.push_back(from_mbuf(burst[i]));
      rte_pktmbuf_free(burst[i]);
      done = done || wanted(got.back());
    }
    if (done) return got;
    if (n == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return got;
}

bool transmit(DpdkPort& port, const Frame& frame) {
  rte_mbuf* m = rte_pktmbuf_alloc(port.pool());
  if (m == nullptr) return false;
  char* p = rte_pktmbuf_append(m, static_cast<uint16_t>(frame.size()));
  if (p == nullptr) {
    rte_pktmbuf_free(m);
    return false;
  }
  std::memcpy(p, frame.data(), frame.size());
  for (int tries = 0; tries < 1000; ++tries) {
    if (port.tx_burst(&m, 1) == 1) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  rte_pktmbuf_free(m);
  return false;
}

// The port with the steering policy in its XDP program, as the daemon opens it: the
// node's addresses, and its VLAN 10 address of tagged_ipv4_udp_frame, are service addresses.
struct SteeredPort {
  std::unique_ptr<DpdkPort> port;
  std::unique_ptr<XdpSteering> rules;
  DpdkPort* operator->() const { return port.get(); }
  DpdkPort& operator*() const { return *port; }
};

SteeredPort open_af_xdp(uint16_t rx_ring = 0) {
  static const SteeringPolicy policy =
      compile_steering_policy({{*IpAddr::parse(g_bed->node_ip4), *IpAddr::parse(g_bed->node_ip6),
                                *IpAddr::parse("10.202.0.1")},
                               kVxlanPort,
                               10001});
  SteeredPort p{
      DpdkPort::open({.devargs = "net_af_xdp0,iface=" + g_bed->node_if, .rx_ring = rx_ring}),
      nullptr};
  p.rules = XdpSteering::load(g_bed->node_if, policy);
  return p;
}

class AfXdpPort : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_NE(g_bed, nullptr) << "testbed missing"; }
};

TEST_F(AfXdpPort, ReportsInterfaceMacAndFrameLimitOfTheVethMtu) {
  auto port = open_af_xdp();
  EXPECT_EQ(port->name(), "net_af_xdp0");
  EXPECT_EQ(port->kernel_ifname(), g_bed->node_if);
  EXPECT_EQ(port->mac(), iface_mac(g_bed->node_if));
  // The veth's MTU plus the Ethernet header; the UMEM chunk (one 4 KiB page less mbuf,
  // headrooms) would allow the same 3520 bytes.
  EXPECT_EQ(port->max_frame_len(), static_cast<uint32_t>(kXdpVethMtu + 14));
  EXPECT_NE(port->devargs().find("xdp_prog="), std::string::npos);
  EXPECT_TRUE(xdp_attached_per_ip_link());
}

TEST_F(AfXdpPort, ProgramIsRemovedWhenThePortCloses) {
  { auto port = open_af_xdp(); }
  EXPECT_FALSE(xdp_attached_per_ip_link());
}

// Counts this process's descriptors of one kind, from /proc/self/fd link targets.
int count_fds(const std::string& target_prefix) {
  int n = 0;
  for (int fd = 0; fd < 4096; ++fd) {
    char target[128] = {};
    const std::string link = "/proc/self/fd/" + std::to_string(fd);
    const ssize_t len = readlink(link.c_str(), target, sizeof target - 1);
    if (len > 0 && std::string(target, static_cast<size_t>(len)).starts_with(target_prefix)) {
      if (target_prefix != "socket:") {
        ++n;
        continue;
      }
      int domain = 0;
      socklen_t dlen = sizeof domain;
      if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &dlen) == 0 && domain == 44) ++n;
    }
  }
  return n;
}

// DPDK 22.11's PMD leaves its UMEM socket and BPF object open; DpdkPort closes them, so
// the interface can be opened again at once and nothing piles up.
TEST_F(AfXdpPort, ReopensRightAfterCloseWithoutLeakingSocketsOrPrograms) {
  const int xdp_sockets = count_fds("socket:");  // AF_XDP (domain 44) only
  const int bpf_progs = count_fds("anon_inode:bpf-prog");
  const int bpf_maps = count_fds("anon_inode:bpf-map");
  for (int i = 0; i < 3; ++i) {
    auto port = open_af_xdp();
    EXPECT_EQ(count_fds("socket:"), xdp_sockets + 1) << "open " << i;
  }
  EXPECT_EQ(count_fds("socket:"), xdp_sockets);
  EXPECT_EQ(count_fds("anon_inode:bpf-prog"), bpf_progs);
  EXPECT_EQ(count_fds("anon_inode:bpf-map"), bpf_maps);
}

TEST_F(AfXdpPort, DpdkGetsIpv4VxlanWhileTheKernelKeepsArpPingAndOtherUdp) {
  auto port = open_af_xdp();
  const uint64_t no_ports_before = snmp_counter("Udp", "NoPorts");
  const Frame vxlan = vxlan_payload(100, 1);
  const Frame other = {'n', 'o', 't', ' ', 'v', 'x', 'l', 'a', 'n'};

  // The first datagram needs ARP: it only resolves if the kernel still gets ARP.
  send_udp_from_peer(AF_INET, g_bed->node_ip4, kHostUdpPort, other);
  send_udp_from_peer(AF_INET, g_bed->node_ip4, kVxlanPort, vxlan);
  const std::vector<Frame> got = receive_until(*port, [&](const Frame& f) {
    auto u = parse_udp(f);
    return u && u->dport == kVxlanPort && u->payload == vxlan;
  });

  int vxlan_frames = 0;
  for (const Frame& f : got) {
    auto u = parse_udp(f);
    if (!u) continue;
    EXPECT_NE(u->dport, kHostUdpPort) << "non-VXLAN UDP was steered to DPDK";
    if (u->dport == kVxlanPort && u->payload == vxlan) {
      ++vxlan_frames;
      EXPECT_EQ(u->ethertype, 0x0800);
      MacAddr dst;
      std::copy_n(f.begin(), 6, dst.bytes.begin());
      EXPECT_EQ(dst, port->mac());
    }
  }
  EXPECT_EQ(vxlan_frames, 1);
  // Only the BFD datagram reached the kernel's UDP layer: no ICMP for VXLAN.
  EXPECT_EQ(snmp_counter("Udp", "NoPorts") - no_ports_before, 1u);
  EXPECT_EQ(
      NetnsTestbed::sh("ip netns exec " + g_bed->peer_ns + " ping -c1 -W2 " + g_bed->node_ip4), 0);
  EXPECT_GE(port->stats().ipackets, 1u);
}

TEST_F(AfXdpPort, DpdkGetsIpv6VxlanWhileTheKernelKeepsNeighbourDiscoveryAndPing) {
  auto port = open_af_xdp();
  const uint64_t no_ports_before = snmp6_counter("Udp6NoPorts");
  const Frame vxlan = vxlan_payload(200, 2);
  send_udp_from_peer(AF_INET6, g_bed->node_ip6, kVxlanPort, vxlan);
  const std::vector<Frame> got = receive_until(*port, [&](const Frame& f) {
    auto u = parse_udp(f);
    return u && u->ethertype == 0x86DD && u->dport == kVxlanPort && u->payload == vxlan;
  });
  ASSERT_FALSE(got.empty());
  auto last = parse_udp(got.back());
  ASSERT_TRUE(last && last->payload == vxlan) << "IPv6 VXLAN datagram did not reach DPDK";
  EXPECT_EQ(snmp6_counter("Udp6NoPorts"), no_ports_before);
  EXPECT_EQ(
      NetnsTestbed::sh("ip netns exec " + g_bed->peer_ns + " ping -6 -c1 -W2 " + g_bed->node_ip6),
      0);
}

// The kernel here has no 802.1Q driver, so the peer writes the tagged frame itself.
TEST_F(AfXdpPort, DpdkGetsVlanTaggedVxlan) {
  auto port = open_af_xdp();
  const Frame vxlan = vxlan_payload(300, 3);
  const Frame tagged = tagged_ipv4_udp_frame(port->mac(), peer_mac(), 10, kVxlanPort, vxlan);
  send_raw_from_peer(tagged);
  const std::vector<Frame> got = receive_until(*port, [&](const Frame& f) { return f == tagged; });
  ASSERT_FALSE(got.empty());
  EXPECT_EQ(got.back(), tagged) << "tagged VXLAN frame did not reach DPDK whole";
}

TEST_F(AfXdpPort, VlanTaggedNonVxlanStaysWithTheKernel) {
  auto port = open_af_xdp();
  const Frame other =
      tagged_ipv4_udp_frame(port->mac(), peer_mac(), 10, kHostUdpPort, vxlan_payload(301, 4));
  const Frame vxlan =
      tagged_ipv4_udp_frame(port->mac(), peer_mac(), 10, kVxlanPort, vxlan_payload(302, 5));
  send_raw_from_peer(other);
  send_raw_from_peer(vxlan);
  const std::vector<Frame> got = receive_until(*port, [&](const Frame& f) { return f == vxlan; });
  ASSERT_FALSE(got.empty());
  EXPECT_EQ(got.back(), vxlan);
  for (const Frame& f : got) EXPECT_NE(f, other) << "tagged BFD was steered to DPDK";
}

TEST_F(AfXdpPort, FramesSentByDpdkArriveWholeAtThePeer) {
  auto port = open_af_xdp();
  const int fd = open_peer_raw_socket(kTestEtherType);
  ASSERT_GE(fd, 0);
  const MacAddr dst = peer_mac();
  const Frame small = test_frame(dst, port->mac(), 60, 5);
  const Frame largest = test_frame(dst, port->mac(), port->max_frame_len(), 6);
  const DpdkPort::Stats before = port->stats();

  ASSERT_TRUE(transmit(*port, small));
  EXPECT_EQ(receive_at_peer(fd), small);
  ASSERT_TRUE(transmit(*port, largest));
  EXPECT_EQ(receive_at_peer(fd), largest);
  close(fd);

  const DpdkPort::Stats after = port->stats();
  EXPECT_EQ(after.opackets - before.opackets, 2u);
  EXPECT_EQ(after.obytes - before.obytes, small.size() + largest.size());
}

TEST_F(AfXdpPort, LargestFrameFromThePeerArrivesWhole) {
  auto port = open_af_xdp();
  // UDP payload that makes an IPv4 frame of exactly max_frame_len bytes.
  Frame big = vxlan_payload(400, 4);
  big.resize(port->max_frame_len() - 14 - 20 - 8, 0xab);
  send_udp_from_peer(AF_INET, g_bed->node_ip4, kVxlanPort, big);
  const std::vector<Frame> got = receive_until(*port, [&](const Frame& f) {
    auto u = parse_udp(f);
    return u && u->payload == big;
  });
  ASSERT_FALSE(got.empty());
  EXPECT_EQ(got.back().size(), port->max_frame_len());
  EXPECT_EQ(port->stats().imissed, 0u);
}

// A counter of the node's veth as the kernel keeps it (/sys/class/net/IF/statistics/NAME,
// read through `ip netns exec`, which mounts the namespace's own sysfs).
uint64_t iface_counter(const std::string& ifname, const std::string& name) {
  const std::string cmd =
      "ip netns exec " + g_bed->node_ns + " cat /sys/class/net/" + ifname + "/statistics/" + name;
  FILE* p = popen(cmd.c_str(), "r");
  unsigned long long v = 0;
  const bool ok = p != nullptr && fscanf(p, "%llu", &v) == 1;
  if (p != nullptr) pclose(p);
  if (!ok) ADD_FAILURE() << "cannot read " << name << " of " << ifname;
  return v;
}

// Every frame waiting on the port, until it has been empty for 100 ms.
uint64_t drain(DpdkPort& port) {
  uint64_t n = 0;
  auto quiet_since = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - quiet_since < std::chrono::milliseconds(100)) {
    rte_mbuf* burst[32];
    const uint16_t got = port.rx_burst(burst, 32);
    rte_pktmbuf_free_bulk(burst, got);
    n += got;
    if (got != 0) quiet_since = std::chrono::steady_clock::now();
  }
  return n;
}

// Nobody polls the port while the peer sends several ring-fulls of VXLAN: the kernel drops
// what the AF_XDP RX ring cannot take. The PMD's imissed has none of those; rx_ring_full
// has them, and together they are every frame sent but not received.
TEST_F(AfXdpPort, RxRingFullCountsTheFramesTheKernelCouldNotQueue) {
  SteeredPort port;
  try {
    // A ring smaller than the PMD's 2048 fill-ring buffers: the ring, not the fill ring, is
    // what runs out first.
    port = open_af_xdp(1024);
  } catch (const std::exception& e) {
    GTEST_SKIP() << "AF_XDP unavailable here: " << e.what();
  }
  const Frame vxlan = vxlan_payload(600, 8);
  // ARP resolved and the path proven before counting.
  send_udp_from_peer(AF_INET, g_bed->node_ip4, kVxlanPort, vxlan);
  ASSERT_FALSE(receive_until(*port, [&](const Frame& f) {
                 auto u = parse_udp(f);
                 return u && u->payload == vxlan;
               }).empty());
  drain(*port);
  const DpdkPort::Stats before = port->stats();
  const uint64_t veth_dropped_before = iface_counter(g_bed->node_if, "rx_dropped");

  // In small bursts with pauses, so the veth's own queue (256 frames, in front of XDP)
  // never overflows: every frame reaches the XDP program and its redirect.
  constexpr uint64_t kSent = 4096;
  constexpr uint64_t kBurst = 32;
  g_bed->in_peer([&] {
    const int fd = socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(kVxlanPort);
    inet_pton(AF_INET, g_bed->node_ip4.c_str(), &a.sin_addr);
    for (uint64_t i = 0; i < kSent; ++i) {
      if (sendto(fd, vxlan.data(), vxlan.size(), 0, reinterpret_cast<sockaddr*>(&a), sizeof a) !=
          static_cast<ssize_t>(vxlan.size()))
        ADD_FAILURE() << "sendto " << i;
      if (i % kBurst == kBurst - 1) std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    close(fd);
  });
  const uint64_t received = drain(*port);
  const DpdkPort::Stats after = port->stats();
  const uint64_t ring_full = after.rx_ring_full - before.rx_ring_full;
  const uint64_t missed = after.imissed - before.imissed;

  EXPECT_LT(received, kSent);
  EXPECT_EQ(after.ipackets - before.ipackets, received);
  EXPECT_GT(ring_full, 0u);
  EXPECT_EQ(ring_full + missed, kSent - received);
  // The kernel's own count of the same frames, on the interface.
  EXPECT_EQ(iface_counter(g_bed->node_if, "rx_dropped") - veth_dropped_before, ring_full + missed);
}

class LeftoverXdpProgram : public ::testing::TestWithParam<const char*> {};

// A vxsn killed with SIGKILL leaves its program attached; the next open must still work.
TEST_P(LeftoverXdpProgram, IsDetachedAtOpen) {
  ASSERT_NE(g_bed, nullptr);
  NetnsTestbed::must("ip -n " + g_bed->node_ns + " link set dev " + g_bed->node_if + " " +
                     GetParam() + " obj " + xdp_program_path() + " sec xdp");
  ASSERT_TRUE(xdp_attached_per_ip_link());
  {
    auto port = open_af_xdp();
    const Frame vxlan = vxlan_payload(500, 7);
    send_udp_from_peer(AF_INET, g_bed->node_ip4, kVxlanPort, vxlan);
    const std::vector<Frame> got = receive_until(*port, [&](const Frame& f) {
      auto u = parse_udp(f);
      return u && u->payload == vxlan;
    });
    ASSERT_FALSE(got.empty());
    EXPECT_TRUE(parse_udp(got.back()).has_value());
  }
  EXPECT_FALSE(xdp_attached_per_ip_link());
}

INSTANTIATE_TEST_SUITE_P(Modes, LeftoverXdpProgram, ::testing::Values("xdpgeneric", "xdpdrv"));

// af_packet carries what its ring frames and the interface MTU allow.
class AfPacketPort : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    ASSERT_NE(g_bed, nullptr);
    g_bed->set_mtu(GetParam());
  }
  void TearDown() override {
    if (g_bed != nullptr) g_bed->set_mtu(kXdpVethMtu);
  }
};

TEST_P(AfPacketPort, JumboFramesCrossWholeBothWays) {
  const uint32_t mtu = static_cast<uint32_t>(GetParam());
  auto port =
      DpdkPort::open({.devargs = "net_af_packet0,iface=" + g_bed->node_if, .max_frame_len = 16384});
  EXPECT_EQ(port->kernel_ifname(), g_bed->node_if);
  // Ring frames of 16384 bytes hold 16384 - 66 bytes of frame (TPACKET_V2 header and
  // alignment in front); below that, the MTU plus the Ethernet header decides.
  const uint32_t expected = std::min<uint32_t>(mtu + 14, 16384 - 66);
  EXPECT_EQ(port->max_frame_len(), expected);

  const MacAddr peer = peer_mac();
  const Frame inbound = test_frame(port->mac(), peer, expected, 8);
  // Sent again if it does not come: a frame lost while the veth settles after its MTU
  // change (a loaded CI machine shows it) is not what this test is about; a truncated or
  // refused jumbo frame never arrives whole however often it is sent.
  std::vector<Frame> got;
  for (int attempt = 0; attempt < 3 && (got.empty() || got.back() != inbound); ++attempt) {
    send_raw_from_peer(inbound);
    got = receive_until(*port, [&](const Frame& f) { return f == inbound; });
  }
  ASSERT_FALSE(got.empty());
  EXPECT_EQ(got.back(), inbound) << "received " << got.back().size() << " bytes";

  const int fd = open_peer_raw_socket(kTestEtherType);
  ASSERT_GE(fd, 0);
  const Frame outbound = test_frame(peer, port->mac(), expected, 9);
  ASSERT_TRUE(transmit(*port, outbound));
  EXPECT_EQ(receive_at_peer(fd), outbound);
  close(fd);
}

INSTANTIATE_TEST_SUITE_P(Mtus, AfPacketPort, ::testing::Values(9000, 16500));

}  // namespace
}  // namespace vxsn
