// Helpers for the API server tests: a private directory (traversable by everyone, so only
// the socket's own mode decides who may connect) and a server on a Unix socket in it.
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "host/api/api_server.hpp"
#include "host/ctl/api_client.hpp"
#include "tests/api/fake_backend.hpp"

namespace vxsn::test {

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/vxsn-api-XXXXXX";
    path_ = ::mkdtemp(tmpl);
    ::chmod(path_.c_str(), 0755);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline ApiSettings unix_only(const TempDir& dir) {
  ApiSettings s;
  s.socket_path = dir.file("api.sock");
  s.idle_timeout_ms = 20000;
  return s;
}

inline ConnectOptions unix_client(const ApiSettings& s) {
  ConnectOptions o;
  o.socket_path = s.socket_path;
  o.timeout_ms = 20000;
  return o;
}

}  // namespace vxsn::test
