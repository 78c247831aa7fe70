// The kernel path of a port the kernel does not own. The port is a net_tap whose kernel
// side is moved into a namespace of its own (the "VTEP host" on the wire), so the node's
// kernel never sees it, as with a NIC bound to vfio. The node's addresses live on the
// kernel path's TAP in this test's private namespace. Checked on the wire side: the node
// answers ARP and ping, a TCP connection to it succeeds, registration datagrams reach a
// socket of the node, and meanwhile VXLAN to the service address is replicated by the
// datapath (never handed to the kernel). Run with the software datapath and with the
// emulated card's poll loop, which serve kernel paths alike; with the emulated card the
// card itself steers, the TAP is fed from its punt ring and the kernel's answers leave
// through its inject ring, as on a board.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cerrno>

#include <chrono>
#include <cstring>
#include <functional>
#include <thread>

#include "driver/dpdk/eal.hpp"
#include "driver/dpdk/lcore_layout.hpp"
#include "driver/steering/port_steering.hpp"
#include "host/daemon/emu_card_forwarding.hpp"
#include "host/daemon/kernel_path.hpp"
#include "host/daemon/software_forwarding.hpp"
#include "tests/steering/private_netns_eal.hpp"

namespace vxsn {
namespace {

constexpr uint32_t kVni = 100;
// BGP: the policy gives the host the node's own protocols (BGP, BFD, SSH) and drops any
// other port to a service address.
constexpr uint16_t kTcpPort = 179;
const char* const kService = "10.79.0.1";  // on the kernel path TAP
const char* const kVtep = "10.79.0.2";     // the wire host's address
const char* const kMember = "10.79.0.10";  // a second member, on the wire host too

const auto* const kEnv = ::testing::AddGlobalTestEnvironment(new PrivateNetnsEal(1));

const SteeringPolicy& policy() {
  static const SteeringPolicy p =
      compile_steering_policy({{*IpAddr::parse(kService)}, 4789, 10001});
  return p;
}

sockaddr_in address(const char* ip, uint16_t port) {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  inet_pton(AF_INET, ip, &sa.sin_addr);
  return sa;
}

// A socket bound to ip:port (type SOCK_DGRAM or SOCK_STREAM), or -1.
int bound_socket(int type, const char* ip, uint16_t port) {
  const int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in sa = address(ip, port);
  if (bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// Bounds every later blocking receive (and accept) on fd to `ms`.
// DPDK's net_tap PMD signals this process (SIGIO) whenever its TAP has a frame to read.
// A socket call with SO_RCVTIMEO set is never restarted after a signal handler (signal(7)),
// so it returns EINTR: call it again, as any program sharing a process with net_tap must.
template <typename Call>
auto retrying_eintr(Call call) {
  for (;;) {
    const auto r = call();
    if (r >= 0 || errno != EINTR) return r;
  }
}

void set_receive_timeout(int fd, int ms) {
  timeval tv{ms / 1000, (ms % 1000) * 1000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

class KernelPathTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!g_netns_eal_skip.empty()) GTEST_SKIP() << g_netns_eal_skip;
    if (run_quietly("command -v ip") != 0) GTEST_SKIP() << "no iproute2 (ip)";
    const std::string tag = std::to_string(getpid() % 100000);
    wire_if_ = "vxkw" + tag;
    tap_if_ = "vxkk" + tag;
    wire_ns_ = "vxkns" + tag;
    port_ = PortSteering::open({.devargs = "net_tap0,iface=" + wire_if_,
                                .rx_queues = 1,
                                .tx_queues = 1,
                                .max_frame_len = 1514},
                               policy(), api_);
    kernel_path_ = KernelPath::open(tap_if_, port_->port(), 1, 0);
    // The wire's far end goes to the VTEP host's namespace: this namespace's kernel no longer
    // sees the port, only the kernel path.
    ASSERT_EQ(run_quietly("ip netns add " + wire_ns_), 0);
    ns_created_ = true;
    ASSERT_EQ(run_quietly("ip link set " + wire_if_ + " netns " + wire_ns_), 0);
    ASSERT_EQ(run_quietly(
                  in_wire_ns("ip link set lo up") + " && " +
                  in_wire_ns("ip link set " + wire_if_ + " up") + " && " +
                  in_wire_ns("ip addr add " + std::string(kVtep) + "/24 dev " + wire_if_) + " && " +
                  in_wire_ns("ip addr add " + std::string(kMember) + "/32 dev " + wire_if_)),
              0);
    ASSERT_EQ(run_quietly("ip link set lo up && ip addr add " + std::string(kService) + "/24 dev " +
                          tap_if_),
              0);
    Config config;
    config.datapath = GetParam();
    config.service_addresses = {*IpAddr::parse(kService)};
    config.vxlan_port = 4789;
    const std::vector<DpdkPort*> ports{&port_->port()};
    if (GetParam() == "emu") {
      auto emu = std::make_unique<EmuCardForwarding>(ports, config, policy(), vni_counters_);
      emu->attach_kernel_path(0, &kernel_path_->tap());
      datapath_ = std::move(emu);
    } else {
      auto software = std::make_unique<SoftwareForwarding>(ports, config, policy(), vni_counters_);
      software->attach_kernel_path(0, &kernel_path_->tap());
      datapath_ = std::move(software);
    }
    publish_table();
    datapath_->start();
  }

  void TearDown() override {
    if (datapath_) datapath_->stop();
    datapath_.reset();
    kernel_path_.reset();
    port_.reset();  // the wire TAP goes with its port, also from the other namespace
    if (ns_created_) run_quietly("ip netns del " + wire_ns_);
  }

  std::string in_wire_ns(const std::string& cmd) const {
    return "ip netns exec " + wire_ns_ + " " + cmd;
  }

  // Runs `make` on a thread inside the wire namespace: the sockets it opens live there.
  int in_wire_namespace(const std::function<int()>& make) const {
    int fd = -1;
    std::thread t([&] {
      const int ns = open(("/var/run/netns/" + wire_ns_).c_str(), O_RDONLY | O_CLOEXEC);
      if (ns < 0 || setns(ns, CLONE_NEWNET) != 0) return;
      close(ns);
      fd = make();
    });
    t.join();
    return fd;
  }

  // The wire host's MAC, as seen from its namespace.
  MacAddr wire_host_mac() const {
    std::string text;
    FILE* f = popen(in_wire_ns("cat /sys/class/net/" + wire_if_ + "/address").c_str(), "r");
    char buf[64] = {};
    if (f && fgets(buf, sizeof buf, f)) text = buf;
    if (f) pclose(f);
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return MacAddr::parse(text).value_or(MacAddr{});
  }

  // VNI 100: the wire host's address (the sender) and a second member on the same host.
  void publish_table() {
    ReplicationParams params;
    params.source_mode = SourceIpMode::kOwnAddress;
    params.own_v4 = *IpAddr::parse(kService);
    const MacAddr next_hop = wire_host_mac();
    ASSERT_FALSE(next_hop.is_zero());
    ASSERT_TRUE(datapath_->publish(FloodTableBuilder()
                                       .set_params(params)
                                       .set_egress_ports({{port_->port().mac(), 1514}})
                                       .add_vni(kVni,
                                                {{*IpAddr::parse(kVtep), true, next_hop, 0},
                                                 {*IpAddr::parse(kMember), true, next_hop, 0}},
                                                vni_counters_.get_or_create(kVni))
                                       .build(),
                                   1));
  }

  RteFlowApi api_;
  std::string wire_if_, tap_if_, wire_ns_;
  bool ns_created_ = false;
  std::unique_ptr<PortSteering> port_;
  std::unique_ptr<KernelPath> kernel_path_;
  VniCounterRegistry vni_counters_;
  std::unique_ptr<Forwarding> datapath_;
};

TEST_P(KernelPathTest, TheTapCarriesThePortsMacAndIsUp) {
  // Through ip: /sys shows the namespace it was mounted in, not this private one.
  std::string text;
  FILE* f = popen(("ip -o link show " + tap_if_).c_str(), "r");
  char buf[512] = {};
  if (f && fgets(buf, sizeof buf, f)) text = buf;
  if (f) pclose(f);
  EXPECT_NE(text.find(port_->port().mac().to_string()), std::string::npos) << text;
  EXPECT_NE(text.find(",UP"), std::string::npos) << text;
}

TEST_P(KernelPathTest, TheNodeAnswersArpAndPingOnAPortItsKernelDoesNotSee) {
  EXPECT_EQ(run_quietly(in_wire_ns("ping -c1 -W3 " + std::string(kService))), 0);
  const ForwardingReading r = datapath_->read_counters();
  ASSERT_TRUE(r.kernel_paths.has_value());
  EXPECT_GE(r.kernel_paths->to_kernel, 2u) << "ARP request and echo request into the kernel";
  EXPECT_GE(r.kernel_paths->from_kernel, 2u) << "ARP reply and echo reply out of the port";
  EXPECT_EQ(r.datapath.rx_frames, 0u) << "nothing of it reached the parser";
  EXPECT_GE(r.host_frames, 2u);
  if (GetParam() == "emu") {
    // The card steers itself (docs/architecture.md, "Steering"): no classifier in front of
    // it counted a hit; the frames reached the TAP from the card's punt ring.
    for (const uint64_t hits : datapath_->steering_hits()) EXPECT_EQ(hits, 0u);
  }
}

TEST_P(KernelPathTest, ABgpConnectionToTheNodeSucceeds) {
  const int listener = bound_socket(SOCK_STREAM, kService, kTcpPort);
  ASSERT_GE(listener, 0);
  ASSERT_EQ(listen(listener, 1), 0);
  EXPECT_EQ(run_quietly(in_wire_ns("timeout 5 bash -c 'echo hello >/dev/tcp/" +
                                   std::string(kService) + "/" + std::to_string(kTcpPort) + "'")),
            0);
  set_receive_timeout(listener, 3000);
  const int conn = retrying_eintr([&] { return accept(listener, nullptr, nullptr); });
  ASSERT_GE(conn, 0);
  set_receive_timeout(conn, 3000);
  char buf[16] = {};
  EXPECT_EQ(retrying_eintr([&] { return recv(conn, buf, sizeof buf, 0); }), 6);
  EXPECT_STREQ(buf, "hello\n");
  close(conn);
  close(listener);
}

TEST_P(KernelPathTest, RegistrationsArriveWhileVxlanIsReplicated) {
  // The node's registration socket (UDP 10001 on the service address).
  const int registration = bound_socket(SOCK_DGRAM, kService, 10001);
  ASSERT_GE(registration, 0);
  // On the wire host: the VTEP's VXLAN socket and the second member's.
  const int vtep = in_wire_namespace([] { return bound_socket(SOCK_DGRAM, kVtep, 4789); });
  const int member = in_wire_namespace([] { return bound_socket(SOCK_DGRAM, kMember, 4789); });
  ASSERT_GE(vtep, 0);
  ASSERT_GE(member, 0);

  EXPECT_EQ(run_quietly(in_wire_ns("bash -c 'echo register >/dev/udp/" + std::string(kService) +
                                   "/10001'")),
            0);
  set_receive_timeout(registration, 3000);
  char reg[32] = {};
  EXPECT_EQ(retrying_eintr([&] { return recv(registration, reg, sizeof reg, 0); }), 9)
      << "registration datagram lost: " << std::strerror(errno);

  // VXLAN header (I flag, VNI 100) and a 64-byte inner broadcast frame.
  std::vector<uint8_t> vxlan(8 + 64, 0);
  vxlan[0] = 0x08;
  vxlan[6] = kVni;
  std::memset(vxlan.data() + 8, 0xff, 6);
  const uint8_t inner_src[6] = {0x02, 0x79, 0, 0, 0, 0x02};
  std::memcpy(vxlan.data() + 14, inner_src, 6);
  sockaddr_in to = address(kService, 4789);
  constexpr int kFrames = 20;
  for (int i = 0; i < kFrames; ++i) {
    vxlan[30] = static_cast<uint8_t>(i);
    ASSERT_EQ(
        sendto(vtep, vxlan.data(), vxlan.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to),
        static_cast<ssize_t>(vxlan.size()));
  }
  set_receive_timeout(member, 3000);
  int copies = 0;
  uint8_t buf[256];
  while (retrying_eintr([&] { return recv(member, buf, sizeof buf, 0); }) ==
         static_cast<ssize_t>(vxlan.size())) {
    EXPECT_EQ(buf[6], kVni);
    ++copies;
    set_receive_timeout(member, 500);
  }
  EXPECT_EQ(copies, kFrames);
  const ForwardingReading r = datapath_->read_counters();
  EXPECT_EQ(r.datapath.rx_frames, static_cast<uint64_t>(kFrames));
  EXPECT_EQ(r.datapath.tx_copies, static_cast<uint64_t>(kFrames));
  ASSERT_TRUE(r.kernel_paths.has_value());
  EXPECT_GE(r.kernel_paths->to_kernel, 1u) << "the registration datagram went to the kernel";
  EXPECT_GE(r.kernel_paths->from_kernel, 1u);
  close(vtep);
  close(member);
  close(registration);
}

INSTANTIATE_TEST_SUITE_P(Datapaths, KernelPathTest, ::testing::Values("software", "emu"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace vxsn
