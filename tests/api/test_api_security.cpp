// Who may talk to the API and what a hostile client can do to it: the Unix socket's mode and
// group decide who connects; TCP speaks only TLS and only to clients with a certificate from
// the configured CA; garbage, oversized frames and huge length prefixes get an error reply
// and a closed connection while the server keeps serving everyone else; connections are
// bounded; a stale socket is replaced and a live one is not stolen.
#include <arpa/inet.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <thrift/transport/TSocket.h>
#include <thrift/transport/TTransportException.h>

#include <csignal>
#include <cstring>
#include <optional>
#include <thread>

#include "host/api/api_transport.hpp"
#include "tests/api/api_test_support.hpp"
#include "tests/api/security_fixtures.hpp"
#include "tests/integration/process.hpp"

namespace vxsn::test {
namespace {

// ---- Unix socket permissions ----

TEST(ApiUnixSocket, Mode0660AndTheConfiguredGroup) {
  TempDir dir;
  FakeBackend backend;
  ApiSettings s = unix_only(dir);
  s.socket_group = "nogroup";
  ApiServer server(s, backend, "1");
  server.start();
  struct stat st {};
  ASSERT_EQ(::lstat(s.socket_path.c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 07777, 0660u);
  EXPECT_EQ(st.st_gid, kNogroup);
}

TEST(ApiUnixSocket, ClientOutsideTheGroupIsRefused) {
  TempDir dir;
  FakeBackend backend;
  ApiSettings s = unix_only(dir);
  s.socket_group = "daemon";  // nobody is not in it
  ApiServer server(s, backend, "1");
  server.start();
  EXPECT_EQ(connect_as_nobody(s.socket_path, kNogroup), EACCES);
  EXPECT_TRUE(served(unix_client(s)));  // root still is
}

TEST(ApiUnixSocket, ClientInTheGroupIsServed) {
  // The counterpart of the refusal: the same user is let in when the group is his.
  TempDir dir;
  FakeBackend backend;
  ApiSettings s = unix_only(dir);
  s.socket_group = "nogroup";
  ApiServer server(s, backend, "1");
  server.start();
  EXPECT_EQ(connect_as_nobody(s.socket_path, kNogroup), 0);
}

TEST(ApiUnixSocket, UnknownGroupFailsStart) {
  TempDir dir;
  FakeBackend backend;
  ApiSettings s = unix_only(dir);
  s.socket_group = "no-such-group-vxsn";
  ApiServer server(s, backend, "1");
  EXPECT_THROW(server.start(), ApiServerError);
}

TEST(ApiUnixSocket, StaleSocketIsReplacedLiveOneIsNot) {
  TempDir dir;
  FakeBackend backend;
  ApiSettings s = unix_only(dir);
  {  // A socket file left behind by a process that died: bound, never unlinked.
    int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, s.socket_path.c_str(), sizeof addr.sun_path - 1);
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    ::close(fd);
  }
  ApiServer first(s, backend, "1");
  ASSERT_NO_THROW(first.start());
  EXPECT_TRUE(served(unix_client(s)));

  ApiServer second(s, backend, "1");
  EXPECT_THROW(second.start(), ApiServerError);
  EXPECT_TRUE(served(unix_client(s)));  // the first server still owns it

  first.stop();
  struct stat st {};
  EXPECT_NE(::lstat(s.socket_path.c_str(), &st), 0) << "stop() leaves no socket file behind";
}

// ---- malformed and oversized requests ----

void put32(std::vector<uint8_t>& b, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) b.push_back(static_cast<uint8_t>(v >> shift));
}
void put16(std::vector<uint8_t>& b, uint16_t v) {
  b.push_back(static_cast<uint8_t>(v >> 8));
  b.push_back(static_cast<uint8_t>(v));
}
std::vector<uint8_t> framed(const std::vector<uint8_t>& body) {
  std::vector<uint8_t> out;
  put32(out, static_cast<uint32_t>(body.size()));
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

// The reply must be one frame holding a binary-protocol exception message
// (version 1, message type 3 = T_EXCEPTION) that says the request was refused.
void expect_error_reply(const std::vector<uint8_t>& reply) {
  ASSERT_GE(reply.size(), 12u);
  uint32_t frame = (uint32_t{reply[0]} << 24) | (uint32_t{reply[1]} << 16) |
                   (uint32_t{reply[2]} << 8) | reply[3];
  EXPECT_EQ(frame, reply.size() - 4);
  EXPECT_EQ(reply[4], 0x80);
  EXPECT_EQ(reply[5], 0x01);
  EXPECT_EQ(reply[7], 0x03);
  std::string text(reply.begin(), reply.end());
  EXPECT_NE(text.find("refused"), std::string::npos) << text;
}

class ApiRobustness : public ::testing::Test {
 protected:
  void SetUp() override {
    settings_ = unix_only(dir_);
    settings_.max_request_bytes = 64 * 1024;
    server_ = std::make_unique<ApiServer>(settings_, backend_, "1");
    server_->start();
  }
  void send_and_expect_refusal(const std::vector<uint8_t>& bytes) {
    RawConnection raw(settings_.socket_path);
    ASSERT_TRUE(raw.connected());
    raw.send(bytes);
    bool closed = false;
    auto reply = raw.read_until_closed(closed);
    EXPECT_TRUE(closed) << "the server kept the connection open";
    expect_error_reply(reply);
    // ...and everyone else is still served.
    EXPECT_TRUE(served(unix_client(settings_)));
  }
  TempDir dir_;
  ApiSettings settings_;
  FakeBackend backend_;
  std::unique_ptr<ApiServer> server_;
};

TEST_F(ApiRobustness, HttpGarbageIsRefused) {
  std::string http = "GET / HTTP/1.1\r\nHost: vxsn\r\n\r\n";
  send_and_expect_refusal(std::vector<uint8_t>(http.begin(), http.end()));
}

TEST_F(ApiRobustness, SmallFrameOfGarbageIsRefused) {
  // A plausible frame length, then bytes that are not a binary-protocol message.
  send_and_expect_refusal(framed({0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 1, 2, 3, 4}));
}

TEST_F(ApiRobustness, OneGigabyteFrameIsRefusedWithoutReadingIt) {
  std::vector<uint8_t> b;
  put32(b, 1u << 30);
  b.insert(b.end(), 64, 0xAA);
  send_and_expect_refusal(b);
}

TEST_F(ApiRobustness, OneGigabyteStringLengthIsRefused) {
  // A well-formed addMember call whose address claims to be 1 GiB long.
  std::vector<uint8_t> m;
  put32(m, 0x80010001);  // strict binary protocol, version 1, T_CALL
  const std::string name = "addMember";
  put32(m, static_cast<uint32_t>(name.size()));
  m.insert(m.end(), name.begin(), name.end());
  put32(m, 1);     // sequence id
  m.push_back(8);  // field 1: i32 vni
  put16(m, 1);
  put32(m, 100);
  m.push_back(11);  // field 2: string address
  put16(m, 2);
  put32(m, 1u << 30);
  m.insert(m.end(), {'1', '0', '.', '0'});
  send_and_expect_refusal(framed(m));
  EXPECT_EQ(backend_.node_status().members, 0u) << "nothing reached the table";
}

TEST_F(ApiRobustness, OneGigabyteListLengthIsRefused) {
  std::vector<uint8_t> m;
  put32(m, 0x80010001);
  const std::string name = "replaceStaticMembers";
  put32(m, static_cast<uint32_t>(name.size()));
  m.insert(m.end(), name.begin(), name.end());
  put32(m, 1);
  m.push_back(8);
  put16(m, 1);
  put32(m, 100);
  m.push_back(15);  // field 2: list
  put16(m, 2);
  m.push_back(11);  // of strings
  put32(m, 1u << 30);
  send_and_expect_refusal(framed(m));
}

TEST_F(ApiRobustness, ARequestOverTheLimitFromARealClientGetsAnError) {
  ApiClient client(unix_client(settings_));
  std::vector<std::string> many(20000, "10.0.0.1");  // ~260 KB: over the 64 KiB limit
  api::ReplaceResult r;
  // Refused after the frame header: the client sees the error reply or, still writing the
  // rest, the closed connection. Either way an error, never a hang or a success.
  EXPECT_THROW(client->replaceStaticMembers(r, 5, many), apache::thrift::TException);
  EXPECT_TRUE(served(unix_client(settings_)));
}

TEST_F(ApiRobustness, UnknownMethodIsAnErrorNotADisconnect) {
  RawConnection raw(settings_.socket_path);
  std::vector<uint8_t> m;
  put32(m, 0x80010001);
  const std::string name = "formatDisk";
  put32(m, static_cast<uint32_t>(name.size()));
  m.insert(m.end(), name.begin(), name.end());
  put32(m, 7);
  m.push_back(0);  // empty argument struct
  raw.send(framed(m));
  std::vector<uint8_t> reply = raw.read_frame();
  ASSERT_GE(reply.size(), 8u);
  EXPECT_EQ(reply[4], 0x80);
  EXPECT_EQ(reply[7], 0x03);  // T_EXCEPTION
  std::string text(reply.begin(), reply.end());
  EXPECT_NE(text.find("formatDisk"), std::string::npos) << text;
  EXPECT_TRUE(served(unix_client(settings_)));
}

// ---- bounded connections ----

TEST(ApiLimits, ConnectionsBeyondTheLimitWaitTheirTurn) {
  TempDir dir;
  FakeBackend backend;
  ApiSettings s = unix_only(dir);
  s.max_connections = 2;
  ApiServer server(s, backend, "1");
  server.start();
  auto a = std::make_unique<ApiClient>(unix_client(s));
  auto b = std::make_unique<ApiClient>(unix_client(s));
  api::NodeInfo info;
  (*a)->getInfo(info);  // both are being served: they hold the two slots
  (*b)->getInfo(info);

  ConnectOptions impatient = unix_client(s);
  impatient.timeout_ms = 300;
  {
    ApiClient c(impatient);  // the kernel queues the connection...
    EXPECT_THROW(c->getInfo(info), apache::thrift::transport::TTransportException)
        << "served beyond max_connections";  // ...but the server does not take it
  }
  a.reset();  // a slot frees up
  EXPECT_TRUE(served(unix_client(s)));
}

// ---- TLS with client certificates ----

class ApiTls : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(pki_.ok()) << pki_.log;
    settings_.socket_path = "";  // TCP only
    settings_.tcp_address = "127.0.0.1";
    settings_.tcp_port = free_tcp_port();
    settings_.tls_cert = pki_.pem("server");
    settings_.tls_key = pki_.key("server");
    settings_.tls_ca = pki_.pem("ca");
    settings_.idle_timeout_ms = 20000;
    server_ = std::make_unique<ApiServer>(settings_, backend_, "1");
    server_->start();
  }
  ConnectOptions client(const std::string& cert_name) {
    ConnectOptions o;
    o.host = "127.0.0.1";
    o.port = server_->tcp_port();
    o.tls.ca = pki_.pem("ca");
    if (!cert_name.empty()) {
      o.tls.cert = pki_.pem(cert_name);
      o.tls.key = pki_.key(cert_name);
    }
    o.timeout_ms = 20000;
    return o;
  }
  bool served_tls(const ConnectOptions& o) {
    return on_client_thread([&] { return served(o); });
  }
  bool refused(const ConnectOptions& o) {
    return on_client_thread([&] {
      try {
        return !served(o);
      } catch (const apache::thrift::transport::TTransportException&) {
        return true;
      }
    });
  }
  TempDir dir_;
  Pki pki_{dir_};
  ApiSettings settings_;
  FakeBackend backend_;
  std::unique_ptr<ApiServer> server_;
};

TEST_F(ApiTls, ClientWithTrustedCertificateIsServed) {
  EXPECT_TRUE(served_tls(client("client")));
}

TEST_F(ApiTls, ClientWithoutCertificateIsRefused) {
  EXPECT_TRUE(refused(client("")));
  EXPECT_TRUE(served_tls(client("client")));
}

TEST_F(ApiTls, ClientWithUntrustedCertificateIsRefused) {
  EXPECT_TRUE(refused(client("rogue-client")));
  EXPECT_TRUE(served_tls(client("client")));
}

TEST_F(ApiTls, PlainTextClientIsRefused) {
  // Thrift over bare TCP, no TLS at all.
  auto socket =
      std::make_shared<apache::thrift::transport::TSocket>("127.0.0.1", server_->tcp_port());
  socket->setRecvTimeout(20000);
  auto protocol = api_client_protocol(socket, 1 << 20);
  socket->open();
  api::ManagementClient c(protocol);
  api::NodeInfo info;
  EXPECT_THROW(c.getInfo(info), apache::thrift::TException);
  EXPECT_TRUE(served_tls(client("client")));
}

TEST(ApiTlsConfig, UnreadableCertificateFailsStart) {
  TempDir dir;
  FakeBackend backend;
  ApiSettings s;
  s.socket_path = "";
  s.tcp_address = "127.0.0.1";
  s.tcp_port = free_tcp_port();
  s.tls_cert = dir.file("missing.pem");
  s.tls_key = dir.file("missing.key");
  s.tls_ca = dir.file("missing-ca.pem");
  ApiServer server(s, backend, "1");
  EXPECT_THROW(server.start(), ApiServerError);
}

}  // namespace
}  // namespace vxsn::test
