// The naive replicator (sim/naive_replicator), the baseline of the end-to-end benchmark:
// real UDP sockets in the test's own network namespace (unshare, so nothing is left
// behind), the real binary, VXLAN datagrams from a sender that is itself a member.
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>

#include "sim/naive_replicator/members.hpp"
#include "tests/integration/process.hpp"
#include "tests/integration/testbed.hpp"

namespace vxsn::test {
namespace {

using namespace std::chrono_literals;
using Bytes = std::vector<uint8_t>;

// A UDP socket bound to ADDR:4789, the way a VTEP listens.
class Endpoint {
 public:
  explicit Endpoint(const std::string& address) {
    sockaddr_storage a{};
    socklen_t len = 0;
    to_sockaddr(address, a, len);
    fd_ = ::socket(a.ss_family, SOCK_DGRAM, 0);
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&a), len) != 0)
      throw std::runtime_error("bind " + address + ": " + std::strerror(errno));
  }
  ~Endpoint() { ::close(fd_); }

  void send_to(const std::string& address, const Bytes& datagram) const {
    sockaddr_storage a{};
    socklen_t len = 0;
    to_sockaddr(address, a, len);
    ::sendto(fd_, datagram.data(), datagram.size(), 0, reinterpret_cast<sockaddr*>(&a), len);
  }
  // Every datagram that arrives until nothing has come for `quiet`.
  std::vector<Bytes> drain(std::chrono::milliseconds quiet = 300ms) const {
    std::vector<Bytes> got;
    pollfd p{fd_, POLLIN, 0};
    while (::poll(&p, 1, static_cast<int>(quiet.count())) == 1) {
      Bytes b(65536);
      ssize_t n = ::recv(fd_, b.data(), b.size(), 0);
      if (n < 0) break;
      b.resize(static_cast<size_t>(n));
      got.push_back(std::move(b));
    }
    return got;
  }

  static void to_sockaddr(const std::string& address, sockaddr_storage& a, socklen_t& len) {
    naive::Endpoint e;
    if (!naive::parse_endpoint(address, 4789, e))
      throw std::runtime_error("bad address " + address);
    a = e.addr;
    len = e.len;
  }

 private:
  int fd_ = -1;
};

// A VXLAN datagram (header with the I flag, then an inner broadcast frame) whose inner
// bytes depend on `seed`.
Bytes vxlan(uint32_t vni, uint8_t seed, uint8_t flags = 0x08) {
  Bytes d{flags, 0, 0, 0, uint8_t(vni >> 16), uint8_t(vni >> 8), uint8_t(vni), 0};
  Bytes inner{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, seed, 0x08, 0x06};
  inner.resize(60, seed);
  d.insert(d.end(), inner.begin(), inner.end());
  return d;
}

class NaiveReplicator : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "a private network namespace needs root";
    // This test process (and the replicator it starts) alone in a new namespace: the
    // addresses are private and vanish with the process.
    if (::unshare(CLONE_NEWNET) != 0) GTEST_SKIP() << "unshare(CLONE_NEWNET) failed";
    ASSERT_EQ(run("ip link set lo up").exit_code, 0);
    dir_ = "/tmp/vxsn-naive-test-" + std::to_string(::getpid());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    process_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  ChildProcess& start(std::vector<std::string> args) {
    args.insert(args.begin(), binary("sim/naive_replicator/vxsn-naive-replicator"));
    process_ = std::make_unique<ChildProcess>(args, dir_ + "/replicator.log");
    EXPECT_TRUE(
        wait_until([&] { return process_->log().find("listening on") != std::string::npos; }, 10s))
        << process_->log();
    return *process_;
  }
  // The counters line printed on SIGTERM.
  std::string stop_and_count() {
    EXPECT_EQ(process_->terminate(), 0) << process_->log();
    std::string log = process_->log();
    auto at = log.find("counters: ");
    return at == std::string::npos ? log : log.substr(at + 10, log.find('\n', at) - at - 10);
  }

  std::string dir_;
  std::unique_ptr<ChildProcess> process_;
};

void expect_copies(const Endpoint& member, const std::vector<Bytes>& sent, const char* name) {
  auto got = member.drain();
  auto want = sent;
  std::sort(got.begin(), got.end());
  std::sort(want.begin(), want.end());
  EXPECT_EQ(got, want) << name << " must get exactly one byte-identical copy of each";
}

TEST_F(NaiveReplicator, EveryMemberButTheSenderGetsOneIdenticalCopy) {
  Endpoint sender("127.0.0.10"), a("127.0.0.11"), b("127.0.0.12"), other("127.0.0.20");
  start({"--listen", "127.0.0.1", "--vni", "100", "--member", "127.0.0.10", "--member",
         "127.0.0.11", "--member", "127.0.0.12", "--vni", "200", "--member", "127.0.0.20"});
  std::vector<Bytes> sent;
  for (uint8_t i = 1; i <= 5; ++i) sent.push_back(vxlan(100, i));
  for (const Bytes& d : sent) sender.send_to("127.0.0.1", d);

  expect_copies(a, sent, "member .11");
  expect_copies(b, sent, "member .12");
  EXPECT_TRUE(sender.drain(100ms).empty()) << "split horizon: the sender got its own frame";
  EXPECT_TRUE(other.drain(100ms).empty()) << "a member of VNI 200 got VNI 100's frames";
  EXPECT_EQ(stop_and_count(),
            "received=5 sent=10 dropped_malformed=0 dropped_unknown_vni=0 send_errors=0");
}

TEST_F(NaiveReplicator, IPv6MembersFromAMembersFile) {
  for (const char* a : {"fd00:5::10", "fd00:5::11", "fd00:5::12"})
    ASSERT_EQ(run(std::string("ip -6 addr add ") + a + "/128 dev lo nodad").exit_code, 0);
  Endpoint sender("fd00:5::10"), a("fd00:5::11"), b("fd00:5::12");
  std::ofstream(dir_ + "/members") << "# VNI then its VTEPs\n"
                                   << "7000 fd00:5::10 fd00:5::11\n\n7000 fd00:5::12\n";
  start({"--listen", "::1", "--members", dir_ + "/members"});
  std::vector<Bytes> sent{vxlan(7000, 1), vxlan(7000, 2)};
  for (const Bytes& d : sent) sender.send_to("::1", d);

  expect_copies(a, sent, "member ::11");
  expect_copies(b, sent, "member ::12");
  EXPECT_TRUE(sender.drain(100ms).empty()) << "split horizon: the sender got its own frame";
}

TEST_F(NaiveReplicator, MalformedAndUnknownVniAreCountedNotSent) {
  Endpoint sender("127.0.0.10"), a("127.0.0.11");
  start({"--listen", "127.0.0.1", "--vni", "100", "--member", "127.0.0.11"});
  sender.send_to("127.0.0.1", Bytes{0x08, 0, 0, 0, 0});  // shorter than the VXLAN header
  sender.send_to("127.0.0.1", vxlan(100, 1, 0x00));      // I flag clear
  sender.send_to("127.0.0.1", vxlan(999, 2));            // unknown VNI
  const Bytes marker = vxlan(100, 3);                    // the only one to go out
  sender.send_to("127.0.0.1", marker);

  EXPECT_EQ(a.drain(), std::vector<Bytes>{marker});
  EXPECT_EQ(stop_and_count(),
            "received=4 sent=1 dropped_malformed=2 dropped_unknown_vni=1 send_errors=0");
}

TEST_F(NaiveReplicator, BadMembersFileLineIsNamed) {
  std::ofstream(dir_ + "/members") << "100 127.0.0.11\n100 not-an-address\n";
  CommandResult r = run(binary("sim/naive_replicator/vxsn-naive-replicator") +
                        " --listen 127.0.0.1 --members " + dir_ + "/members");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find(dir_ + "/members:2: 'not-an-address'"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace vxsn::test
