// Several RX queues, one pinned lcore per lane, on a real net_tap port in a private network
// namespace. rte_flow is refused here (no tc flower), so software enforces steering; the
// kernel's tun driver spreads flows over the tap's 4 queues by hash. The kernel side of the
// tap plays the VTEP: VXLAN from 64 UDP source ports to the service address goes out of the
// tap into the datapath (2 lcores), whose copies come back into the kernel to one UDP socket
// per member. Checked: both lanes replicate, every copy arrives once per member, the
// counters add up, ARP and TCP to the node are classified as the host's.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <map>
#include <sstream>
#include <thread>

#include "driver/dpdk/eal.hpp"
#include "driver/dpdk/lcore_layout.hpp"
#include "driver/steering/port_steering.hpp"
#include "driver/steering/software_classifier.hpp"
#include "host/daemon/software_datapath.hpp"
#include "tests/steering/private_netns_eal.hpp"

namespace vxsn {
namespace {

constexpr unsigned kLanes = 2;
constexpr uint16_t kQueues = 4;
constexpr uint32_t kVni = 100;
constexpr int kSourcePorts = 64;
constexpr int kFramesPerPort = 8;
constexpr int kFrames = kSourcePorts * kFramesPerPort;
const char* const kService = "10.78.0.1";
const char* const kVtep = "10.78.0.2";  // the kernel's own address on the tap
const char* const kMembers[] = {"10.78.0.10", "10.78.0.11"};

const auto* const kEnv = ::testing::AddGlobalTestEnvironment(new PrivateNetnsEal(kLanes));

const SteeringPolicy& policy() {
  static const SteeringPolicy p =
      compile_steering_policy({{*IpAddr::parse(kService)}, 4789, 10001});
  return p;
}

// By ioctl: /sys shows the namespace it was mounted in, not this private one.
MacAddr kernel_mac(const std::string& ifname) {
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, ifname.c_str(), IFNAMSIZ - 1);
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  MacAddr m;
  if (ioctl(fd, SIOCGIFHWADDR, &ifr) == 0) std::memcpy(m.bytes.data(), ifr.ifr_hwaddr.sa_data, 6);
  close(fd);
  return m;
}

// A UDP socket bound to addr:port; non-blocking.
int udp_socket(const char* addr, uint16_t port) {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  // Room for every copy of the test (read only after the sender is done); root may force it.
  const int bytes = 8 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof bytes);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  inet_pton(AF_INET, addr, &sa.sin_addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// VXLAN header (I flag, kVni) + a 64-byte inner broadcast frame carrying `seq`.
std::vector<uint8_t> vxlan_payload(uint32_t seq) {
  std::vector<uint8_t> p(8 + 64, 0);
  p[0] = 0x08;
  p[4] = kVni >> 16;
  p[5] = (kVni >> 8) & 0xff;
  p[6] = kVni & 0xff;
  std::memset(p.data() + 8, 0xff, 6);                  // inner destination: broadcast
  const uint8_t src[6] = {0x02, 0x78, 0, 0, 0, 0x02};  // inner source
  std::memcpy(p.data() + 14, src, 6);
  p[20] = 0x08;  // IPv4 ethertype (contents never parsed)
  std::memcpy(p.data() + 22, &seq, sizeof seq);
  return p;
}

uint32_t seq_of(const uint8_t* payload) {
  uint32_t seq;
  std::memcpy(&seq, payload + 22, sizeof seq);
  return seq;
}

// The rule a frame like `frame` takes: its hits are what the test watches.
size_t rule_of(std::vector<uint8_t> frame) {
  return classify_frame(frame, policy());
}

std::vector<uint8_t> arp_request() {
  std::vector<uint8_t> f(42, 0);
  std::memset(f.data(), 0xff, 6);
  f[12] = 0x08;
  f[13] = 0x06;
  return f;
}

std::vector<uint8_t> tcp_syn_to_service(uint16_t port) {
  std::vector<uint8_t> f(54, 0);
  f[12] = 0x08;
  f[14] = 0x45;
  f[16] = 0;
  f[17] = 40;
  f[22] = 64;
  f[23] = 6;  // TCP
  inet_pton(AF_INET, kVtep, f.data() + 26);
  inet_pton(AF_INET, kService, f.data() + 30);
  f[34] = 0x9c;
  f[36] = port >> 8;
  f[37] = port & 0xff;
  f[46] = 0x50;
  f[47] = 0x02;  // SYN
  return f;
}

class LcoreSteeringTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!g_netns_eal_skip.empty()) GTEST_SKIP() << g_netns_eal_skip;
    sink_ = std::make_shared<spdlog::sinks::ostream_sink_mt>(log_);
    spdlog::default_logger()->sinks().push_back(sink_);
    ifname_ = "vxlc" + std::to_string(getpid() % 100000);
    port_ = PortSteering::open({.devargs = "net_tap0,iface=" + ifname_,
                                .rx_queues = kQueues,
                                .tx_queues = kLanes,
                                .max_frame_len = 1514},
                               policy(), api_);
    ASSERT_EQ(
        run_quietly("ip link set lo up && ip link set " + ifname_ + " up && ip addr add " + kVtep +
                    "/24 dev " + ifname_ + " && ip addr add " + kMembers[0] + "/32 dev " + ifname_ +
                    " && ip addr add " + kMembers[1] + "/32 dev " + ifname_ + " && ip neigh add " +
                    kService + " lladdr " + port_->port().mac().to_string() + " dev " + ifname_),
        0);
    for (const char* m : kMembers) {
      member_fds_.push_back(udp_socket(m, 4789));
      ASSERT_GE(member_fds_.back(), 0) << m;
    }
    publish_table();
    ParseConfig parse;
    parse.vxlan_port = 4789;
    parse.service_addrs[0] = *IpAddr::parse(kService);
    parse.service_addr_count = 1;
    datapath_ = std::make_unique<SoftwareDatapath>(std::vector<DpdkPort*>{&port_->port()}, tables_,
                                                   parse, policy(), kLanes);
    datapath_->start();
  }

  void TearDown() override {
    if (datapath_) datapath_->stop();  // every lcore joined before the port closes
    datapath_.reset();
    for (int fd : member_fds_) close(fd);
    port_.reset();
    if (!sink_) return;
    auto& sinks = spdlog::default_logger()->sinks();
    sinks.erase(std::remove(sinks.begin(), sinks.end(), sink_), sinks.end());
  }

  // VNI 100: the sender (split horizon skips it) and two members reached through the tap
  // (next hop: the kernel's MAC), copies from the service address.
  void publish_table() {
    ReplicationParams params;
    params.source_mode = SourceIpMode::kOwnAddress;
    params.own_v4 = *IpAddr::parse(kService);
    const MacAddr next_hop = kernel_mac(ifname_);
    std::vector<MemberSpec> members = {{*IpAddr::parse(kVtep), true, next_hop, 0}};
    for (const char* m : kMembers) members.push_back({*IpAddr::parse(m), true, next_hop, 0});
    tables_.publish(FloodTableBuilder()
                        .set_params(params)
                        .set_egress_ports({{port_->port().mac(), 1514}})
                        .add_vni(kVni, members, &vni_counters_)
                        .build());
  }

  // kFrames VXLAN frames from kSourcePorts UDP source ports of the kernel's address.
  void send_vxlan() {
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(4789);
    inet_pton(AF_INET, kService, &to.sin_addr);
    for (int p = 0; p < kSourcePorts; ++p) {
      const int fd = udp_socket(kVtep, static_cast<uint16_t>(41000 + p));
      ASSERT_GE(fd, 0);
      for (int i = 0; i < kFramesPerPort; ++i) {
        const std::vector<uint8_t> payload = vxlan_payload(p * kFramesPerPort + i);
        ASSERT_EQ(sendto(fd, payload.data(), payload.size(), 0, reinterpret_cast<sockaddr*>(&to),
                         sizeof to),
                  static_cast<ssize_t>(payload.size()));
      }
      close(fd);
      std::this_thread::sleep_for(std::chrono::milliseconds(1));  // no tap queue overflows
    }
  }

  // Copies each member received, per sequence number, until every member has kFrames or
  // nothing came for 2 s.
  std::vector<std::map<uint32_t, int>> collect_copies() {
    std::vector<std::map<uint32_t, int>> seen(member_fds_.size());
    auto quiet_since = std::chrono::steady_clock::now();
    std::vector<int> received(member_fds_.size(), 0);
    while (std::chrono::steady_clock::now() - quiet_since < std::chrono::seconds(2)) {
      bool got = false;
      for (size_t m = 0; m < member_fds_.size(); ++m) {
        uint8_t buf[256];
        const ssize_t n = recv(member_fds_[m], buf, sizeof buf, 0);
        if (n < 26) continue;
        ++seen[m][seq_of(buf)];
        ++received[m];
        got = true;
      }
      if (got) quiet_since = std::chrono::steady_clock::now();
      bool all = true;
      for (int r : received) all &= r >= kFrames;
      if (all) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));  // late duplicates
        for (size_t m = 0; m < member_fds_.size(); ++m) {
          uint8_t buf[256];
          for (ssize_t n; (n = recv(member_fds_[m], buf, sizeof buf, 0)) >= 26;)
            ++seen[m][seq_of(buf)];
        }
        break;
      }
      if (!got) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return seen;
  }

  std::ostringstream log_;
  std::shared_ptr<spdlog::sinks::ostream_sink_mt> sink_;
  RteFlowApi api_;
  std::string ifname_;
  std::unique_ptr<PortSteering> port_;
  std::vector<int> member_fds_;
  FloodTablePublisher tables_;
  VniCounters vni_counters_;
  std::unique_ptr<SoftwareDatapath> datapath_;
};

TEST_F(LcoreSteeringTest, RteFlowRefusedSoSoftwareEnforcesOnFourQueues) {
  EXPECT_EQ(port_->enforcer(), SteeringEnforcer::kSoftware);
  EXPECT_NE(port_->reason().find("refused"), std::string::npos) << port_->reason();
  EXPECT_EQ(port_->port().rx_queues(), kQueues);
  EXPECT_GE(port_->port().tx_queues(), kLanes);
  EXPECT_NE(log_.str().find("port net_tap0: steering enforced by software"), std::string::npos)
      << log_.str();
  EXPECT_NE(log_.str().find("4 RX queue(s)"), std::string::npos) << log_.str();
}

TEST_F(LcoreSteeringTest, VxlanFromManySourcePortsIsReplicatedByEveryLcore) {
  send_vxlan();
  collect_copies();
  const std::vector<LcoreCounts> lanes = datapath_->lcore_counts();
  ASSERT_EQ(lanes.size(), kLanes);
  for (const LcoreCounts& l : lanes) {
    // Lane 0 polls queues 0 and 2, lane 1 queues 1 and 3: both busy = more than one queue.
    EXPECT_GT(l.rx_frames, 0u) << "lcore " << l.lcore << " got no VXLAN";
    EXPECT_GT(l.tx_copies, 0u) << "lcore " << l.lcore << " replicated nothing";
  }
  EXPECT_NE(lanes[0].lcore, lanes[1].lcore);
}

TEST_F(LcoreSteeringTest, ArpAndTcpToTheNodeAreLeftToTheKernel) {
  const size_t arp_rule = rule_of(arp_request());
  const size_t ssh_rule = rule_of(tcp_syn_to_service(22));
  ASSERT_EQ(policy().rules[arp_rule].action, SteerAction::kHost);
  ASSERT_EQ(policy().rules[ssh_rule].action, SteerAction::kHost);
  // ARP: the kernel asks for an address nobody has. TCP: a SYN to the node's SSH port.
  run_quietly("ping -c1 -W1 10.78.0.3");
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(22);
  inet_pton(AF_INET, kService, &to.sin_addr);
  connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to);
  std::vector<uint64_t> hits;
  for (int i = 0; i < 200; ++i) {  // bounded wait for the frames to cross the tap
    hits = datapath_->steering_hits();
    if (hits[arp_rule] > 0 && hits[ssh_rule] > 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  close(fd);
  EXPECT_GT(hits[arp_rule], 0u);
  EXPECT_GT(hits[ssh_rule], 0u);
  EXPECT_GE(datapath_->host_frames(), 2u);
  EXPECT_EQ(datapath_->counters().rx_frames, 0u) << "host frames never reach the parser";
}

// Integration: every copy once with 2 lcores, and the counters add up.
TEST_F(LcoreSteeringTest, TwoLcoresReplicateEveryCopyOnceAndTheCountersAddUp) {
  send_vxlan();
  const std::vector<std::map<uint32_t, int>> seen = collect_copies();
  for (size_t m = 0; m < seen.size(); ++m) {
    int missing = 0, duplicated = 0;
    for (uint32_t seq = 0; seq < kFrames; ++seq) {
      auto it = seen[m].find(seq);
      if (it == seen[m].end())
        ++missing;
      else if (it->second != 1)
        ++duplicated;
    }
    EXPECT_EQ(missing, 0) << kMembers[m];
    EXPECT_EQ(duplicated, 0) << kMembers[m];
    EXPECT_EQ(seen[m].size(), static_cast<size_t>(kFrames)) << kMembers[m] << ": unknown seqs";
  }
  const DatapathCountersSnapshot c = datapath_->counters();
  EXPECT_EQ(c.rx_frames, static_cast<uint64_t>(kFrames));
  EXPECT_EQ(c.tx_copies, 2u * kFrames);
  uint64_t lane_rx = 0, lane_tx = 0;
  for (const LcoreCounts& l : datapath_->lcore_counts()) {
    lane_rx += l.rx_frames;
    lane_tx += l.tx_copies;
  }
  EXPECT_EQ(lane_rx, c.rx_frames);
  EXPECT_EQ(lane_tx, c.tx_copies);
  const VniCountersSnapshot v = vni_counters_.snapshot();
  EXPECT_EQ(v.frames_in, static_cast<uint64_t>(kFrames));
  EXPECT_EQ(v.copies_out, 2u * kFrames);
}

}  // namespace
}  // namespace vxsn
