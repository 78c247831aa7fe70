// Test fixtures shared by the API suites: certificates made with the openssl CLI, and a
// connection attempt as an unprivileged user.
#pragma once

#include <grp.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

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

}  // namespace vxsn::test
