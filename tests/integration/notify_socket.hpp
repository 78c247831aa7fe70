// The systemd side of sd_notify in a test: a unix datagram socket bound at a fresh path,
// which a process finds through NOTIFY_SOCKET, and the datagrams it receives.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace vxsn::test {

class NotifySocket {
 public:
  NotifySocket();  // binds /tmp/vxsn-notify-<pid>-<n>.sock; throws on failure
  ~NotifySocket();
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;

  const std::string& path() const { return path_; }
  // "NOTIFY_SOCKET=<path>", for a child's environment.
  std::string environment() const { return "NOTIFY_SOCKET=" + path_; }
  // The next datagram, without the trailing newline sd_notify may add; nothing if none
  // arrives within `timeout`.
  std::optional<std::string> receive(std::chrono::milliseconds timeout);
  // The next datagram that is not `skip` (e.g. WATCHDOG=1 between state changes).
  std::optional<std::string> receive_other_than(const std::string& skip,
                                                std::chrono::milliseconds timeout);

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace vxsn::test
