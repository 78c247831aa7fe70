// Connections that never become clients: raw TCP connections to the TLS port that send no
// ClientHello, half of one, or one byte at a time, and more of them from one address than
// it may hold. The trusted clients go on being served, the server closes every one of those
// connections by itself (at the handshake deadline, or at accept when over the per-source
// bound), and counts them. On the Unix socket, silent and half-sent clients hold only their
// own thread.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <thrift/transport/TTransportException.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

#include "host/api/api_transport.hpp"
#include "host/api/tls_factory.hpp"
#include "tests/api/api_test_support.hpp"
#include "tests/api/security_fixtures.hpp"

namespace vxsn::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// A TCP connection to 127.0.0.1:`port` from `source` (any 127/8 address is local).
int connect_from(const char* source, uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in from{};
  from.sin_family = AF_INET;
  ::inet_pton(AF_INET, source, &from.sin_addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0) {
    ::close(fd);
    return -1;
  }
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Waits up to `guard` for the server to close `fd`: true once a read returns 0 (end of
// stream) or ECONNRESET; false if the guard ran out first, or data came. The guard only
// keeps a broken server from hanging the test; it is never what the test measures.
bool closed_by_server(int fd, std::chrono::milliseconds guard) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(guard.count())) != 1) return false;
  char byte;
  ssize_t n = ::recv(fd, &byte, 1, MSG_DONTWAIT);
  return n == 0 || (n < 0 && errno == ECONNRESET);
}

// The first bytes of a TLS ClientHello: a handshake record that announces 512 bytes and
// brings 43 of them. The server's TLS layer reads it and waits for the rest. (Thrift's
// listener defers accept until a connection brings data: these are accepted at once.)
std::vector<uint8_t> half_client_hello() {
  std::vector<uint8_t> b{0x16, 0x03, 0x01, 0x02, 0x00,  // record: handshake, 512 bytes
                         0x01, 0x00, 0x01, 0xfc,        // ClientHello, 508 bytes
                         0x03, 0x03};                   // TLS 1.2
  b.insert(b.end(), 32, 0x5a);                          // "random"
  return b;
}

class TlsClientFrom {
 public:
  // A client with a trusted certificate, connected from `source`: getInfo over TLS.
  static api::NodeInfo get_info(const Pki& pki, const char* source, uint16_t port) {
    return on_client_thread([&] {
      int fd = connect_from(source, port);
      if (fd < 0)
        throw apache::thrift::transport::TTransportException(
            apache::thrift::transport::TTransportException::NOT_OPEN, "connect failed");
      auto tls = make_tls_factory({pki.pem("client"), pki.key("client"), pki.pem("ca")}, false);
      auto socket = tls->createSocket(fd);  // owns fd from here on
      socket->setRecvTimeout(20000);
      socket->setSendTimeout(20000);
      api::ManagementClient client(api_client_protocol(socket, 1 << 20));
      api::NodeInfo info;
      client.getInfo(info);
      socket->close();
      return info;
    });
  }
};

class ApiTlsAbuse : public ::testing::Test {
 protected:
  void start(ApiSettings overrides) {
    ASSERT_TRUE(pki_.ok()) << pki_.log;
    settings_ = overrides;
    settings_.socket_path = "";
    settings_.tcp_address = "127.0.0.1";
    settings_.tcp_port = free_tcp_port();
    settings_.tls_cert = pki_.pem("server");
    settings_.tls_key = pki_.key("server");
    settings_.tls_ca = pki_.pem("ca");
    server_ = std::make_unique<ApiServer>(settings_, backend_, "1");
    server_->start();
  }
  void TearDown() override {
    for (int fd : open_)
      if (fd >= 0) ::close(fd);
  }
  int connect(const char* source) {
    int fd = connect_from(source, server_->tcp_port());
    open_.push_back(fd);
    return fd;
  }
  void send_bytes(int fd, const std::vector<uint8_t>& b) {
    ASSERT_EQ(::send(fd, b.data(), b.size(), MSG_NOSIGNAL), static_cast<ssize_t>(b.size()));
  }
  // `n` connections from 127.0.0.1; every `half_every`-th sends half a ClientHello, the
  // others nothing.
  std::vector<int> open_attack(int n, int half_every) {
    std::vector<int> fds;
    for (int i = 0; i < n; ++i) {
      int fd = connect("127.0.0.1");
      EXPECT_GE(fd, 0);
      if (i % half_every == 0) send_bytes(fd, half_client_hello());
      fds.push_back(fd);
    }
    return fds;
  }
  api::NodeInfo trusted_get_info(const char* source) {
    return TlsClientFrom::get_info(pki_, source, server_->tcp_port());
  }
  // Every one of `fds` is closed by the server before the guard runs out.
  void expect_all_closed(const std::vector<int>& fds, std::chrono::milliseconds guard) {
    const auto until = Clock::now() + guard;
    for (size_t i = 0; i < fds.size(); ++i) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
      EXPECT_TRUE(closed_by_server(fds[i], std::max(left, 1ms))) << "connection " << i;
    }
  }
  TempDir dir_;
  Pki pki_{dir_};
  ApiSettings settings_;
  FakeBackend backend_;
  std::unique_ptr<ApiServer> server_;
  std::vector<int> open_;
};

TEST_F(ApiTlsAbuse, FortyConnectionsWithoutAHandshakeLockNobodyOut) {
  // The attack with the default limits: a few dozen connections from one host that
  // never finish a handshake. The host gets its per-source share of the threads; the rest
  // are closed at accept.
  // Half of them send the start of a ClientHello: more than max_connections, so unbounded
  // they would take every thread at once (the silent half the listener only accepts once
  // the kernel's deferred accept gives up waiting for data).
  ApiSettings s;
  s.idle_timeout_ms = 1000;
  start(s);
  ASSERT_LT(s.max_connections_per_source * 2, s.max_connections) << "defaults leave room";
  ASSERT_GT(20u, s.max_connections);
  const std::vector<int> attack = open_attack(40, 2);

  // A trusted client from another host is served while they are open.
  EXPECT_EQ(trusted_get_info("127.0.0.2").node_id, "fake-node");

  // The server closes every one of them by itself: the refused at once, the admitted at
  // the handshake deadline (idle_timeout_ms after accept; the guard is far longer).
  expect_all_closed(attack, 10s);
  const ApiConnectionCounters c = server_->connection_counters();
  EXPECT_EQ(c.connections_refused + c.handshake_timeouts, 40u);
  EXPECT_GE(c.handshake_timeouts, s.max_connections_per_source);
  EXPECT_GE(c.connections_refused, 40u - 2 * s.max_connections_per_source)
      << "at most a second round of admissions after the first ones timed out";

  // And getInfo reports the same counters.
  api::NodeInfo info = trusted_get_info("127.0.0.2");
  ASSERT_TRUE(info.__isset.api);
  EXPECT_EQ(info.api.connections_refused, static_cast<int64_t>(c.connections_refused));
  EXPECT_EQ(info.api.handshake_timeouts, static_cast<int64_t>(c.handshake_timeouts));
}

TEST_F(ApiTlsAbuse, IdleConnectionsHoldOnlyTheirOwnThreadsAndAreClosedAtTheDeadline) {
  // Limits high enough to admit all forty: what is left to keep the trusted client going is
  // one thread per connection, and what ends the attack is the handshake deadline alone.
  ApiSettings s;
  s.idle_timeout_ms = 1500;
  s.max_connections = 64;
  s.max_connections_per_source = 64;
  start(s);
  const std::vector<int> attack = open_attack(40, 4);
  // Served from the very address the attack comes from.
  EXPECT_EQ(trusted_get_info("127.0.0.1").node_id, "fake-node");

  expect_all_closed(attack, 10s);
  const ApiConnectionCounters c = server_->connection_counters();
  EXPECT_EQ(c.connections_refused, 0u);
  EXPECT_EQ(c.handshake_timeouts, 40u);
  EXPECT_EQ(trusted_get_info("127.0.0.1").node_id, "fake-node") << "the server still serves";
}

TEST_F(ApiTlsAbuse, AHandshakeTrickledByteByByteStillEndsAtTheDeadline) {
  // A receive timeout per read never fires for a client that sends a byte every quarter of
  // it; the deadline counts from accept.
  ApiSettings s;
  s.idle_timeout_ms = 800;
  start(s);
  int fd = connect("127.0.0.1");
  ASSERT_GE(fd, 0);
  const std::vector<uint8_t> hello = half_client_hello();
  bool closed = false;
  // Trickles for up to six times the deadline.
  for (size_t i = 0; i < 24 && !closed; ++i) {
    ::send(fd, &hello[i % hello.size()], 1, MSG_NOSIGNAL);
    closed = closed_by_server(fd, std::chrono::milliseconds(s.idle_timeout_ms / 4));
  }
  EXPECT_TRUE(closed) << "a trickled handshake outlived six deadlines";
  EXPECT_EQ(server_->connection_counters().handshake_timeouts, 1u);
}

TEST_F(ApiTlsAbuse, AfterTheHandshakeASilentClientIsDroppedAtTheIdleTimeout) {
  // The handshake runs without a per-read timeout (the deadline ends it); once it is done
  // the idle timeout must be back, or a client with a good certificate that goes quiet
  // would hold its thread for ever.
  ApiSettings s;
  s.idle_timeout_ms = 500;
  start(s);
  const bool dropped = on_client_thread([&] {
    int fd = connect_from("127.0.0.1", server_->tcp_port());
    EXPECT_GE(fd, 0);
    auto tls = make_tls_factory({pki_.pem("client"), pki_.key("client"), pki_.pem("ca")}, false);
    auto socket = tls->createSocket(fd);
    socket->setRecvTimeout(20000);
    api::ManagementClient client(api_client_protocol(socket, 1 << 20));
    api::NodeInfo info;
    client.getInfo(info);
    // Silent now: the server's close (its TLS close_notify, then the end of the stream)
    // is the next thing to arrive.
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 10000) != 1) return false;
    try {
      client.getInfo(info);
      return false;
    } catch (const apache::thrift::transport::TTransportException&) {
      return true;
    }
  });
  EXPECT_TRUE(dropped) << "an authenticated silent client kept its connection";
  EXPECT_EQ(server_->connection_counters().handshake_timeouts, 0u) << "that was no handshake";
}

TEST_F(ApiTlsAbuse, ConnectionsOverThePerSourceBoundAreRefusedAndCounted) {
  ApiSettings s;
  s.idle_timeout_ms = 20000;  // nothing here times out: what closes is a refusal
  s.max_connections_per_source = 2;
  start(s);
  // Three from one address, each with the start of a handshake (the listener defers accept
  // until a connection brings data, so which two get in is the kernel's choice).
  std::vector<int> three;
  for (int i = 0; i < 3; ++i) {
    three.push_back(connect("127.0.0.1"));
    ASSERT_GE(three.back(), 0);
    send_bytes(three.back(), half_client_hello());
  }
  int refused = -1;
  for (int round = 0; round < 100 && refused < 0; ++round)
    for (size_t i = 0; i < three.size() && refused < 0; ++i)
      if (closed_by_server(three[i], 100ms)) refused = static_cast<int>(i);
  ASSERT_GE(refused, 0) << "none of three connections from one address was refused";
  EXPECT_EQ(server_->connection_counters().connections_refused, 1u);
  for (size_t i = 0; i < three.size(); ++i) {
    if (static_cast<int>(i) != refused) {
      EXPECT_FALSE(closed_by_server(three[i], 0ms)) << "admitted connection " << i << " stays";
    }
  }

  // Another address is not affected...
  EXPECT_EQ(trusted_get_info("127.0.0.2").node_id, "fake-node");
  // ...while this one, even with a good certificate, is at its bound.
  EXPECT_THROW(trusted_get_info("127.0.0.1"), apache::thrift::transport::TTransportException);
  EXPECT_EQ(server_->connection_counters().connections_refused, 2u);

  // A connection that goes gives its slot back (the server notices the close on its own
  // thread, so the new client may need a few tries).
  const size_t admitted = refused == 0 ? 1 : 0;
  ::close(three[admitted]);
  open_[admitted] = -1;
  bool served = false;
  for (int attempt = 0; attempt < 100 && !served; ++attempt) {
    try {
      served = trusted_get_info("127.0.0.1").node_id == "fake-node";
    } catch (const apache::thrift::transport::TTransportException&) {
      std::this_thread::sleep_for(50ms);
    }
  }
  EXPECT_TRUE(served) << "the slot was never given back";
  EXPECT_EQ(server_->connection_counters().handshake_timeouts, 0u);
}

// ---- the Unix socket ----

TEST(ApiUnixAbuse, SilentAndHalfSentClientsDoNotBlockOthers) {
  TempDir dir;
  FakeBackend backend;
  ApiSettings s = unix_only(dir);
  s.idle_timeout_ms = 1000;
  ApiServer server(s, backend, "1");
  server.start();
  std::vector<std::unique_ptr<RawConnection>> stalled;
  for (int i = 0; i < 8; ++i) {
    stalled.push_back(std::make_unique<RawConnection>(s.socket_path));
    ASSERT_TRUE(stalled.back()->connected());
    if (i % 2 == 0) stalled.back()->send({0x00, 0x00, 0x01, 0x00, 0x80, 0x01});  // 256 announced
  }
  EXPECT_TRUE(served(unix_client(s))) << "served while eight clients stall";
  for (size_t i = 0; i < stalled.size(); ++i) {
    bool closed = false;
    stalled[i]->read_until_closed(closed);  // the connection's own guard: 20 s
    EXPECT_TRUE(closed) << "stalled client " << i;
  }
  EXPECT_TRUE(served(unix_client(s))) << "the server still serves";
}

}  // namespace
}  // namespace vxsn::test
