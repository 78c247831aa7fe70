// Test fixtures shared by the API suites: certificates made with the openssl CLI, a
// connection attempt as an unprivileged user, a free TCP port, a thread for TLS clients, a
// served-or-not probe and a raw Unix-socket connection.
#pragma once

#include <arpa/inet.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "tests/api/api_test_support.hpp"
#include "tests/integration/process.hpp"

namespace vxsn::test {

constexpr gid_t kNogroup = 65534;
constexpr uid_t kNobody = 65534;

// Connects to `path` as nobody (with primary group `gid`) in a child process; returns 0 on
// success or the errno connect() failed with.
inline int connect_as_nobody(const std::string& path, gid_t gid) {
  pid_t pid = ::fork();
  if (pid == 0) {
    if (::setgroups(0, nullptr) != 0 || ::setgid(gid) != 0 || ::setuid(kNobody) != 0) ::_exit(100);
    int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    int rc = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::_exit(rc == 0 ? 0 : errno);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// A CA, a server certificate for 127.0.0.1, a client certificate from the same CA, and a
// client certificate from another CA, made with the openssl CLI.
class Pki {
 public:
  explicit Pki(const TempDir& dir) : dir_(dir) {
    make_ca("ca");
    make_ca("rogue-ca");
    make_cert("server", "ca", "subjectAltName=IP:127.0.0.1,DNS:localhost");
    make_cert("client", "ca", "extendedKeyUsage=clientAuth");
    make_cert("rogue-client", "rogue-ca", "extendedKeyUsage=clientAuth");
  }
  std::string pem(const std::string& name) const { return dir_.file(name + ".pem"); }
  std::string key(const std::string& name) const { return dir_.file(name + ".key"); }
  bool ok() const { return ok_; }
  std::string log;

 private:
  void sh(const std::string& cmd) {
    CommandResult r = run("cd " + dir_.path() + " && " + cmd);
    log += cmd + "\n" + r.output;
    ok_ = ok_ && r.exit_code == 0;
  }
  void make_ca(const std::string& name) {
    sh("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
       "-subj '/CN=" +
       name + "' -keyout " + name + ".key -out " + name + ".pem 2>&1");
  }
  void make_cert(const std::string& name, const std::string& ca, const std::string& ext) {
    sh("printf '%s\\n' '" + ext + "' > " + name + ".ext");
    sh("openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj '/CN=" + name +
       "' -keyout " + name + ".key -out " + name + ".csr 2>&1");
    sh("openssl x509 -req -days 2 -in " + name + ".csr -CA " + ca + ".pem -CAkey " + ca +
       ".key -CAcreateserial -extfile " + name + ".ext -out " + name + ".pem 2>&1");
  }
  const TempDir& dir_;
  bool ok_ = true;
};

inline uint16_t free_tcp_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

// Runs `f` on a thread of its own that blocks SIGPIPE: OpenSSL's client side writes with
// write() too, and the test process keeps SIGPIPE's default so that the server's own
// protection is what keeps it alive.
template <class F>
auto on_client_thread(F f) -> decltype(f()) {
  std::optional<decltype(f())> result;
  std::exception_ptr error;
  std::thread t([&] {
    sigset_t pipe;
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
    try {
      result = f();
    } catch (...) {
      error = std::current_exception();
    }
  });
  t.join();
  if (error) std::rethrow_exception(error);
  return *result;
}

// A getInfo answered by the in-test backend.
inline bool served(const ConnectOptions& options) {
  ApiClient client(options);
  api::NodeInfo info;
  client->getInfo(info);
  return info.node_id == "fake-node";
}

// A Unix-socket connection that speaks bytes, not Thrift: for clients that misbehave.
class RawConnection {
 public:
  explicit RawConnection(const std::string& path) {
    fd_ = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    timeval guard{20, 0};  // only so a broken server fails the test instead of hanging it
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &guard, sizeof guard);
  }
  ~RawConnection() { ::close(fd_); }
  bool connected() const { return connected_; }
  void send(const std::vector<uint8_t>& bytes) {
    ASSERT_EQ(::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(bytes.size()));
  }
  // One reply frame: its 4-byte length and its body (empty if the connection closed).
  std::vector<uint8_t> read_frame() {
    std::vector<uint8_t> out(4);
    if (!read_exactly(out.data(), 4)) return {};
    uint32_t len =
        (uint32_t{out[0]} << 24) | (uint32_t{out[1]} << 16) | (uint32_t{out[2]} << 8) | out[3];
    if (len > (1u << 20)) return {};
    out.resize(4 + len);
    if (!read_exactly(out.data() + 4, len)) return {};
    return out;
  }
  // Everything the server sends until it closes the connection; `closed` tells whether it
  // did (false: the guard timeout expired first).
  std::vector<uint8_t> read_until_closed(bool& closed) {
    std::vector<uint8_t> all;
    uint8_t buf[4096];
    for (;;) {
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n > 0) {
        all.insert(all.end(), buf, buf + n);
        continue;
      }
      closed = n == 0 || errno == ECONNRESET;
      return all;
    }
  }

 private:
  bool read_exactly(uint8_t* p, size_t n) {
    while (n) {
      ssize_t got = ::recv(fd_, p, n, 0);
      if (got <= 0) return false;
      p += got;
      n -= static_cast<size_t>(got);
    }
    return true;
  }
  int fd_ = -1;
  bool connected_ = false;
};

}  // namespace vxsn::test
