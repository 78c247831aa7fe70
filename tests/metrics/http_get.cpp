#include "tests/metrics/http_get.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace vxsn::test {
namespace {

// The whole exchange runs on a thread that joined the namespace, so the test's own threads
// never leave the root namespace.
std::string exchange(const std::string& netns, const std::string& host, uint16_t port,
                     const std::string& request) {
  std::string reply, error;
  std::thread worker([&] {
    const int ns = ::open(("/run/netns/" + netns).c_str(), O_RDONLY | O_CLOEXEC);
    if (ns < 0 || ::setns(ns, CLONE_NEWNET) != 0) {
      error = "cannot enter netns " + netns;
      if (ns >= 0) ::close(ns);
      return;
    }
    ::close(ns);
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    timeval timeout{5, 0};  // a daemon that never answers fails the test, not hangs it
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_port = htons(port);
    ::inet_pton(AF_INET, host.c_str(), &sin.sin_addr);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&sin), sizeof sin) != 0) {
      error = "connect " + host + ":" + std::to_string(port) + ": " + std::strerror(errno);
    } else if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) !=
               static_cast<ssize_t>(request.size())) {
      error = "send: " + std::string(std::strerror(errno));
    } else {
      char buf[65536];
      ssize_t n;
      while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) reply.append(buf, static_cast<size_t>(n));
      if (n < 0) error = "recv: " + std::string(std::strerror(errno));
    }
    ::close(fd);
  });
  worker.join();
  if (!error.empty()) throw std::runtime_error(error);
  return reply;
}

}  // namespace

HttpResponse http_request(const std::string& netns, const std::string& host, uint16_t port,
                          const std::string& method, const std::string& path) {
  const std::string raw =
      exchange(netns, host, port, method + " " + path + " HTTP/1.0\r\nHost: " + host + "\r\n\r\n");
  const size_t end = raw.find("\r\n\r\n");
  if (raw.rfind("HTTP/1.", 0) != 0 || end == std::string::npos)
    throw std::runtime_error("not an HTTP reply: " + raw.substr(0, 200));
  HttpResponse r;
  std::istringstream head(raw.substr(0, end));
  std::string line;
  std::getline(head, line);
  r.status = std::stoi(line.substr(line.find(' ') + 1, 3));
  while (std::getline(head, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    r.headers[name] = line.substr(line.find_first_not_of(' ', colon + 1));
  }
  r.body = raw.substr(end + 4);
  return r;
}

}  // namespace vxsn::test
