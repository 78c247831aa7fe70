// HA end to end for registrations: a VTEP registers with one real vxsnd over the vxfld UDP
// protocol (the test client in tests/registration, written from the protocol note), and the
// other nodes of the cluster must follow: the entry with its absolute expiry, its
// withdrawal, its ageing, and a later registration on another node (an anycast move).
// Every observation goes through the nodes' management APIs. Waits have generous
// deadlines; delays are printed, never asserted.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>

#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <thread>

#include "tests/ha_e2e/ha_cluster.hpp"
#include "tests/ha_e2e/table_dump.hpp"
#include "tests/registration/vtep_test_client.hpp"

namespace vxsn::hae2e {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using test::ClientRefresh;
using test::ClientReply;
using test::ClientVni;
using test::Ipv4;

constexpr int kA = 0, kB = 1, kC = 2;
constexpr uint16_t kRegistrationPort = 10001;  // the vxfld protocol's port

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// A UDP socket that lives in another network namespace: created by a short-lived thread that
// joins the namespace, so the test's own threads never leave the root namespace. The socket
// keeps the namespace it was made in.
class NamespaceUdpSocket {
 public:
  explicit NamespaceUdpSocket(const std::string& netns) {
    std::string error;
    std::thread maker([&] {
      const int ns = ::open(("/run/netns/" + netns).c_str(), O_RDONLY | O_CLOEXEC);
      if (ns < 0) {
        error = "open /run/netns/" + netns;
        return;
      }
      if (::setns(ns, CLONE_NEWNET) != 0) error = "setns " + netns;
      ::close(ns);
      if (!error.empty()) return;
      fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
      if (fd_ < 0) error = "socket in " + netns;
    });
    maker.join();
    if (!error.empty()) throw std::runtime_error(error);
  }
  ~NamespaceUdpSocket() {
    if (fd_ >= 0) ::close(fd_);
  }
  NamespaceUdpSocket(const NamespaceUdpSocket&) = delete;
  NamespaceUdpSocket& operator=(const NamespaceUdpSocket&) = delete;

  void send_to(const std::string& address, uint16_t port, const std::vector<uint8_t>& datagram) {
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_port = htons(port);
    if (::inet_pton(AF_INET, address.c_str(), &sin.sin_addr) != 1)
      throw std::runtime_error("bad address " + address);
    if (::sendto(fd_, datagram.data(), datagram.size(), 0, reinterpret_cast<sockaddr*>(&sin),
                 sizeof sin) != static_cast<ssize_t>(datagram.size()))
      throw std::runtime_error("sendto " + address);
  }

  // The next datagram, or nullopt if none comes within `limit` (a guard, not a measurement).
  std::optional<std::vector<uint8_t>> receive(std::chrono::milliseconds limit) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(limit.count())) <= 0) return std::nullopt;
    std::vector<uint8_t> buf(65536);
    const ssize_t n = ::recv(fd_, buf.data(), buf.size(), 0);
    if (n < 0) return std::nullopt;
    buf.resize(static_cast<size_t>(n));
    return buf;
  }

 private:
  int fd_ = -1;
};

Ipv4 ipv4(const std::string& text) {
  Ipv4 a{};
  if (::inet_pton(AF_INET, text.c_str(), a.data()) != 1)
    throw std::runtime_error("bad address " + text);
  return a;
}

std::string member_text(const std::optional<api::Member>& m) {
  if (!m) return "(absent)";
  return sources_text(m->sources) + " expires_in_s=" +
         (m->__isset.expires_in_s ? std::to_string(m->expires_in_s) : std::string("(absent)"));
}

class HaRegistrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cluster_ = std::make_unique<HaCluster>(std::vector<NodeSpec>{{"sn-a"}, {"sn-b"}, {"sn-c"}});
    for (int i = 0; i < cluster_->size(); ++i) {
      std::string why;
      ASSERT_TRUE(cluster_->start(i, &why)) << why;
    }
    for (int i = 0; i < cluster_->size(); ++i) api_.push_back(cluster_->client(i));
    ASSERT_TRUE(wait_for([&] { return all_up(); }, 15s)) << "the peers did not all come up";
  }

  void TearDown() override {
    if (HasFailure() && cluster_) {
      for (int i = 0; i < cluster_->size(); ++i) {
        std::string log = cluster_->log(i);
        if (log.size() > 6000) log = "..." + log.substr(log.size() - 6000);
        std::printf("==== %s log (tail) ====\n%s\n", cluster_->spec(i).name.c_str(), log.c_str());
      }
    }
    api_.clear();
    cluster_.reset();  // stops the daemons, removes the namespaces and the directory
  }

  bool all_up() {
    for (int i = 0; i < cluster_->size(); ++i) {
      std::vector<api::Peer> peers;
      try {
        (*cluster_->client(i))->listPeers(peers);
      } catch (const std::exception&) {
        return false;
      }
      int up = 0;
      for (const auto& p : peers) up += p.state == "up";
      if (up != cluster_->size() - 1) return false;
    }
    return true;
  }

  std::optional<api::Member> member(int node, uint32_t vni, const std::string& vtep) {
    return find_member(**api_.at(node), vni, vtep);
  }

  // Sends one v3 REFRESH (reply requested) from inside `node`'s namespace to its service
  // address, as a VTEP whose anycast route leads to that node; returns the server's reply.
  std::optional<ClientReply> refresh(int node, uint32_t vni, const std::string& vtep,
                                     uint32_t holdtime, uint64_t identifier) {
    NamespaceUdpSocket socket(cluster_->fabric().node_ns(node));
    ClientRefresh r;
    r.version = 3;
    r.originator = true;
    r.holdtime = holdtime;
    r.response_type = 1;  // the members of the VNIs in the request
    r.identifier = identifier;
    r.vteps.push_back(ClientVni{vni, {ipv4(vtep)}, {}});
    socket.send_to(cluster_->service_address(node), kRegistrationPort, test::client_encode(r));
    auto datagram = socket.receive(5s);
    if (!datagram) return std::nullopt;
    return test::client_decode(*datagram);
  }

  // True when the reply lists `vtep` in `vni`.
  static bool reply_lists(const std::optional<ClientReply>& reply, uint32_t vni,
                          const std::string& vtep) {
    if (!reply) return false;
    auto members = test::client_union({*reply});
    return members.count(vni) && members[vni].count(vtep);
  }

  // Polls every node in `nodes` until `holds(member)` is true on each; the time each first
  // held (ms since t0) goes to `when` (negative: never within `timeout`).
  bool wait_each(const std::vector<int>& nodes, uint32_t vni, const std::string& vtep,
                 const std::function<bool(const std::optional<api::Member>&)>& holds,
                 Clock::time_point t0, std::chrono::milliseconds timeout,
                 std::map<int, double>* when) {
    for (int n : nodes) (*when)[n] = -1;
    return wait_for(
        [&] {
          bool all = true;
          for (int n : nodes) {
            if ((*when)[n] >= 0) continue;
            if (holds(member(n, vni, vtep)))
              (*when)[n] = ms_since(t0);
            else
              all = false;
          }
          return all;
        },
        timeout, 5ms);
  }

  std::string name(int node) const { return cluster_->spec(node).name; }

  std::string views(uint32_t vni, const std::string& vtep) {
    std::string s;
    for (int n = 0; n < cluster_->size(); ++n)
      s += " " + name(n) + ": " + member_text(member(n, vni, vtep)) + ";";
    return s;
  }

  std::unique_ptr<HaCluster> cluster_;
  std::vector<std::unique_ptr<ApiClient>> api_;
};

bool is_peer_entry(const std::optional<api::Member>& m) {
  return m && m->sources == Sources{api::Source::PEER};
}
bool is_absent(const std::optional<api::Member>& m) {
  return !m;
}

// 1. A registration made with A over UDP reaches B and C as a peer entry that carries the
// registration's expiry, not a "never" or a holdtime of the peers' own choosing.
TEST_F(HaRegistrationTest, RegistrationReachesThePeersWithItsExpiry) {
  constexpr uint32_t kVni = 4001;
  const std::string vtep = "10.77.0.1";
  constexpr uint32_t kHoldtime = 30;

  const auto t0 = Clock::now();
  auto reply = refresh(kA, kVni, vtep, kHoldtime, 0x1001);
  ASSERT_TRUE(reply) << "no reply from " << cluster_->service_address(kA) << ":10001";
  EXPECT_TRUE(reply_lists(reply, kVni, vtep)) << "A's reply lacks the registrant";

  auto at_a = member(kA, kVni, vtep);
  ASSERT_TRUE(at_a) << "A does not list the VTEP it answered";
  EXPECT_EQ(at_a->sources, Sources{api::Source::REGISTERED});
  ASSERT_TRUE(at_a->__isset.expires_in_s);
  EXPECT_LE(at_a->expires_in_s, kHoldtime);

  std::map<int, double> when;
  ASSERT_TRUE(wait_each({kB, kC}, kVni, vtep, is_peer_entry, t0, 15s, &when))
      << "not a PEER entry on both peers:" << views(kVni, vtep);
  for (int n : {kB, kC}) {
    auto m = member(n, kVni, vtep);
    ASSERT_TRUE(m) << name(n);
    ASSERT_TRUE(m->__isset.expires_in_s) << name(n) << " lists it without an expiry";
    EXPECT_GT(m->expires_in_s, 0) << name(n);
    EXPECT_LE(m->expires_in_s, kHoldtime) << name(n);
  }
  std::printf("[ figures ] registration at A -> PEER on B: %.1f ms, on C: %.1f ms\n", when[kB],
              when[kC]);
  std::printf("[ figures ] (from before the UDP send to the first 5 ms poll that saw it)\n");
  std::printf("[ figures ] views:%s\n", views(kVni, vtep).c_str());
}

// 2. The VTEP's withdrawal (holdtime 0) at A removes it from B and C.
TEST_F(HaRegistrationTest, WithdrawalRemovesItFromThePeers) {
  constexpr uint32_t kVni = 4002;
  const std::string vtep = "10.77.0.2";
  constexpr uint64_t kId = 0x2002;

  ASSERT_TRUE(reply_lists(refresh(kA, kVni, vtep, 30, kId), kVni, vtep));
  std::map<int, double> when;
  ASSERT_TRUE(wait_each({kB, kC}, kVni, vtep, is_peer_entry, Clock::now(), 15s, &when))
      << "the registration did not reach both peers:" << views(kVni, vtep);

  const auto t0 = Clock::now();
  auto reply = refresh(kA, kVni, vtep, 0, kId);
  std::printf("[ figures ] reply to the withdrawal: %s\n", !reply ? "none"
                                                           : reply_lists(reply, kVni, vtep)
                                                               ? "still lists the VTEP"
                                                               : "does not list the VTEP");
  EXPECT_FALSE(member(kA, kVni, vtep)) << "A keeps it after the withdrawal:" << views(kVni, vtep);
  ASSERT_TRUE(wait_each({kB, kC}, kVni, vtep, is_absent, t0, 15s, &when))
      << "withdrawn at A but still listed:" << views(kVni, vtep);
  std::printf("[ figures ] withdrawal at A -> gone on B: %.1f ms, on C: %.1f ms\n", when[kB],
              when[kC]);
}

// 3. A registration that is not refreshed ages out on every node, each by the absolute
// expiry that travelled with it (ageing is not replicated).
TEST_F(HaRegistrationTest, UnrefreshedRegistrationAgesOutEverywhere) {
  constexpr uint32_t kVni = 4003;
  const std::string vtep = "10.77.0.3";
  constexpr uint32_t kHoldtime = 3;

  const auto t0 = Clock::now();
  ASSERT_TRUE(reply_lists(refresh(kA, kVni, vtep, kHoldtime, 0x3003), kVni, vtep));
  std::map<int, double> arrived;
  ASSERT_TRUE(wait_each({kB, kC}, kVni, vtep, is_peer_entry, t0, 2500ms, &arrived))
      << "the registration did not reach both peers within its holdtime:" << views(kVni, vtep);
  std::printf("[ figures ] arrived on B %.1f ms, on C %.1f ms;%s\n", arrived[kB], arrived[kC],
              views(kVni, vtep).c_str());

  std::map<int, double> gone;
  const bool everywhere = wait_each({kA, kB, kC}, kVni, vtep, is_absent, t0, 30s, &gone);
  std::printf("[ figures ] holdtime %u s; dropped (ms after the send): A %.0f, B %.0f, C %.0f\n",
              kHoldtime, gone[kA], gone[kB], gone[kC]);
  EXPECT_TRUE(everywhere) << "still listed 30 s after a " << kHoldtime
                          << " s registration:" << views(kVni, vtep);
}

// 4. The same VTEP registering later with B (its anycast route moved) is the latest write:
// every node lists it, B as its own registration, A and C as B's peer entry.
TEST_F(HaRegistrationTest, LaterRegistrationOnAnotherNodeWins) {
  constexpr uint32_t kVni = 4004;
  const std::string vtep = "10.77.0.4";
  constexpr uint64_t kId = 0x4004;
  constexpr uint32_t kHoldtime = 30;

  ASSERT_TRUE(reply_lists(refresh(kA, kVni, vtep, kHoldtime, kId), kVni, vtep));
  std::map<int, double> when;
  ASSERT_TRUE(wait_each({kB, kC}, kVni, vtep, is_peer_entry, Clock::now(), 15s, &when))
      << "the registration at A did not reach both peers:" << views(kVni, vtep);

  const auto t0 = Clock::now();
  ASSERT_TRUE(reply_lists(refresh(kB, kVni, vtep, kHoldtime, kId), kVni, vtep))
      << "B's reply lacks the registrant";
  auto registered_here = [](const std::optional<api::Member>& m) {
    return m && has_source(m->sources, api::Source::REGISTERED);
  };
  EXPECT_TRUE(registered_here(member(kB, kVni, vtep))) << views(kVni, vtep);
  const bool moved =
      wait_each({kA}, kVni, vtep, is_peer_entry, t0, 15s, &when) &&
      wait_each(
          {kC}, kVni, vtep, [](const auto& m) { return m.has_value(); }, t0, 15s, &when);
  std::printf("[ figures ] registration at B -> A lists it as PEER only after %.1f ms\n", when[kA]);
  std::printf("[ figures ] views:%s\n", views(kVni, vtep).c_str());
  ASSERT_TRUE(moved) << "A still holds its own registration (or lost the entry):"
                     << views(kVni, vtep);

  auto a = member(kA, kVni, vtep), b = member(kB, kVni, vtep), c = member(kC, kVni, vtep);
  ASSERT_TRUE(a && b && c) << views(kVni, vtep);
  EXPECT_EQ(a->sources, Sources{api::Source::PEER}) << "A";
  EXPECT_TRUE(has_source(b->sources, api::Source::REGISTERED)) << "B";
  EXPECT_TRUE(has_source(c->sources, api::Source::PEER)) << "C";
  for (const auto* m : {&*a, &*c}) {
    EXPECT_TRUE(m->__isset.expires_in_s) << "a peer entry of B's registration lacks its expiry";
    EXPECT_LE(m->expires_in_s, kHoldtime);
  }
}

}  // namespace
}  // namespace vxsn::hae2e
