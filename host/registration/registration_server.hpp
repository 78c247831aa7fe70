// The registration server on UDP 10001: non-blocking sockets on the service address(es) (or
// any), run either on its own thread (start/stop) or from the daemon's poll loop (fds +
// on_readable). Replies go out at once, from the address the request was sent to.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "host/registration/registration_handler.hpp"
#include "host/table/allow_list.hpp"

namespace vxsn {

struct RegistrationServerConfig {
  std::vector<IpAddr> listen_addresses;  // empty: 0.0.0.0 and :: (IPv6 only if available)
  uint16_t port = kRegistrationPort;     // 0: the kernel picks one (tests); see port()
  unsigned mtu = 1500;                   // replies fit mtu - IP - UDP headers
  RegistrationLimits limits;             // reply holdtime, holdtime cap, quotas, reply factor
  size_t max_request_bytes = kMaxRefreshBytes;
  RateLimit rate;                         // per requester address
  size_t max_datagrams_per_wakeup = 256;  // bounds one on_readable() so the loop never stalls
};

class RegistrationServer {
 public:
  RegistrationServer(MembershipStore& store, RegistrationServerConfig config,
                     SteadyNow now = std::chrono::steady_clock::now);
  ~RegistrationServer();  // stops the thread, closes the sockets
  RegistrationServer(const RegistrationServer&) = delete;
  RegistrationServer& operator=(const RegistrationServer&) = delete;

  // Who may register in which VNI; nullptr (or an empty list) allows everyone. Callable at any
  // time, from any thread (SIGHUP reload).
  void set_allow_list(std::shared_ptr<const AllowList> allow_list);
  // New limits (SIGHUP reload), from any thread; the next datagram sees them.
  void set_limits(const RegistrationLimits& limits) { handler_.set_limits(limits); }

  // New service addresses while serving (a reload), make-before-break: sockets on the
  // new addresses are bound first, those on addresses that go are closed after; a socket on
  // an address kept stays (its queued datagrams with it). The thread pauses meanwhile; what
  // arrives waits in the sockets. False with a reason when a new address cannot be bound:
  // the old sockets then all stay. `addresses` not empty (the wildcard is for start only).
  bool set_listen_addresses(const std::vector<IpAddr>& addresses, std::string* error);
  const std::vector<IpAddr>& listen_addresses() const { return config_.listen_addresses; }

  // Binds the sockets. False with a reason if any address cannot be bound.
  bool open(std::string* error);
  // For the daemon's poll loop: every socket, readable means on_readable(fd).
  std::vector<int> fds() const;
  // Reads and answers at most max_datagrams_per_wakeup datagrams from `fd`; returns how many.
  size_t on_readable(int fd);

  // Or let the server run its own thread: opens (if not open yet) and starts it.
  bool start(std::string* error);
  void stop();

  uint16_t port() const { return bound_port_; }
  RegistrationCounters counters() const { return handler_.counters(); }

 private:
  bool bind_one(const IpAddr& address, std::string* error);
  void send_replies(int fd, const std::vector<std::vector<uint8_t>>& datagrams, const void* peer,
                    unsigned peer_len, const IpAddr& local, int family);
  void run();
  void close_all();

  RegistrationServerConfig config_;
  RegistrationHandler handler_;
  std::vector<int> fds_;
  std::vector<IpAddr> fd_addresses_;  // what each of fds_ is bound to
  std::vector<uint8_t> buffer_;
  uint16_t bound_port_ = 0;
  int stop_fd_ = -1;
  std::thread thread_;
};

}  // namespace vxsn
