#include "host/registration/registration_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "host/registration/reply_builder.hpp"

namespace vxsn {
namespace {

constexpr int kSocketBufferBytes = 4 << 20;  // a full-table reply leaves in one go, unpaced
// Larger than any UDP payload (65527), so no request is ever cut short.
constexpr size_t kReceiveBufferBytes = 65536;

std::string errno_text(const char* what) {
  return std::string(what) + ": " + std::strerror(errno);
}

IpAddr from_sockaddr(const sockaddr_storage& ss) {
  if (ss.ss_family == AF_INET) {
    const auto& sin = reinterpret_cast<const sockaddr_in&>(ss);
    return IpAddr::v4(reinterpret_cast<const uint8_t*>(&sin.sin_addr));
  }
  if (ss.ss_family == AF_INET6) {
    const auto& sin6 = reinterpret_cast<const sockaddr_in6&>(ss);
    return IpAddr::v6(sin6.sin6_addr.s6_addr);
  }
  return {};
}

// The destination address of a received datagram, from IP_PKTINFO / IPV6_PKTINFO.
IpAddr local_address(msghdr& msg) {
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
      in_pktinfo info;
      std::memcpy(&info, CMSG_DATA(c), sizeof info);
      return IpAddr::v4(reinterpret_cast<const uint8_t*>(&info.ipi_addr));
    }
    if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
      in6_pktinfo info;
      std::memcpy(&info, CMSG_DATA(c), sizeof info);
      return IpAddr::v6(info.ipi6_addr.s6_addr);
    }
  }
  return {};
}

bool is_unicast(const IpAddr& a) {
  if (a.is_v4()) return a.bytes[0] < 224 && !(a.bytes[0] == 255);
  if (a.is_v6()) return a.bytes[0] != 0xFF;
  return false;
}

}  // namespace

RegistrationServer::RegistrationServer(MembershipStore& store, RegistrationServerConfig config,
                                       SteadyNow now)
    : config_(std::move(config)),
      handler_(store,
               RegistrationHandlerConfig{config_.limits, config_.max_request_bytes, config_.rate},
               std::move(now)),
      buffer_(kReceiveBufferBytes) {}

RegistrationServer::~RegistrationServer() {
  stop();
  close_all();
}

void RegistrationServer::set_allow_list(std::shared_ptr<const AllowList> allow_list) {
  if (!allow_list || allow_list->empty()) {
    handler_.set_access_check({});
    return;
  }
  handler_.set_access_check([list = std::move(allow_list)](uint32_t vni, const IpAddr& a) {
    return list->allows(vni, a);
  });
}

bool RegistrationServer::bind_one(const IpAddr& address, std::string* error) {
  const int family = address.is_v6() ? AF_INET6 : AF_INET;
  const int fd = ::socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    if (error) *error = errno_text("socket");
    return false;
  }
  const int one = 1;
  if (family == AF_INET6) {
    // IPv4 has its own socket: no v4-mapped sources, and pktinfo stays per family.
    ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    ::setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof one);
  } else {
    ::setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof one);
  }
  // The anycast service address may be configured on an interface after the daemon starts
  // (or be moved away by a failover): bind to it regardless.
  ::setsockopt(fd, family == AF_INET6 ? IPPROTO_IPV6 : IPPROTO_IP,
               family == AF_INET6 ? IPV6_FREEBIND : IP_FREEBIND, &one, sizeof one);
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &kSocketBufferBytes, sizeof kSocketBufferBytes);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &kSocketBufferBytes, sizeof kSocketBufferBytes);

  // Every socket shares one port: the configured one, or the first one the kernel picked.
  const uint16_t port = bound_port_ != 0 ? bound_port_ : config_.port;
  sockaddr_storage ss{};
  socklen_t len = 0;
  if (family == AF_INET6) {
    auto& sin6 = reinterpret_cast<sockaddr_in6&>(ss);
    sin6.sin6_family = AF_INET6;
    sin6.sin6_port = htons(port);
    std::memcpy(&sin6.sin6_addr, address.bytes.data(), 16);
    len = sizeof sin6;
  } else {
    auto& sin = reinterpret_cast<sockaddr_in&>(ss);
    sin.sin_family = AF_INET;
    sin.sin_port = htons(port);
    std::memcpy(&sin.sin_addr, address.bytes.data(), 4);
    len = sizeof sin;
  }
  if (::bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
    if (error) *error = errno_text(("bind " + address.to_string()).c_str());
    ::close(fd);
    return false;
  }
  if (bound_port_ == 0) {
    socklen_t got = sizeof ss;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &got);
    bound_port_ = ntohs(family == AF_INET6 ? reinterpret_cast<sockaddr_in6&>(ss).sin6_port
                                           : reinterpret_cast<sockaddr_in&>(ss).sin_port);
  }
  fds_.push_back(fd);
  fd_addresses_.push_back(address);
  return true;
}

bool RegistrationServer::set_listen_addresses(const std::vector<IpAddr>& addresses,
                                              std::string* error) {
  const bool running = thread_.joinable();
  stop();  // the sockets stay bound: datagrams queue in them meanwhile
  const size_t old_count = fds_.size();
  auto listed = [](const std::vector<IpAddr>& list, const IpAddr& a) {
    return std::find(list.begin(), list.end(), a) != list.end();
  };
  bool bound = true;
  for (const IpAddr& a : addresses) {
    if (listed(fd_addresses_, a)) continue;
    if (!bind_one(a, error)) {
      bound = false;
      break;
    }
  }
  if (!bound) {  // the new sockets go, the old set stays
    for (size_t i = old_count; i < fds_.size(); ++i) ::close(fds_[i]);
    fds_.resize(old_count);
    fd_addresses_.resize(old_count);
  } else {
    for (size_t i = fds_.size(); i-- > 0;) {
      if (listed(addresses, fd_addresses_[i])) continue;
      ::close(fds_[i]);
      fds_.erase(fds_.begin() + static_cast<long>(i));
      fd_addresses_.erase(fd_addresses_.begin() + static_cast<long>(i));
    }
    config_.listen_addresses = addresses;
  }
  std::string restart_error;
  if (running && !start(&restart_error) && error) *error = restart_error;
  return bound;
}

bool RegistrationServer::open(std::string* error) {
  if (!fds_.empty()) return true;
  if (config_.listen_addresses.empty()) {
    IpAddr any4;
    any4.family = IpAddr::Family::kV4;
    if (!bind_one(any4, error)) return false;
    IpAddr any6;
    any6.family = IpAddr::Family::kV6;
    std::string ignored;
    bind_one(any6, &ignored);  // a host without IPv6 still serves IPv4
    return true;
  }
  for (const IpAddr& a : config_.listen_addresses) {
    if (!bind_one(a, error)) {
      close_all();
      return false;
    }
  }
  return true;
}

std::vector<int> RegistrationServer::fds() const {
  return fds_;
}

size_t RegistrationServer::on_readable(int fd) {
  size_t handled = 0;
  while (handled < config_.max_datagrams_per_wakeup) {
    sockaddr_storage peer{};
    iovec iov{buffer_.data(), buffer_.size()};
    alignas(cmsghdr) char control[256];
    msghdr msg{};
    msg.msg_name = &peer;
    msg.msg_namelen = sizeof peer;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    const ssize_t n = ::recvmsg(fd, &msg, MSG_DONTWAIT | MSG_TRUNC);
    if (n < 0) {
      if (errno == EINTR) continue;
      break;  // EAGAIN: drained; anything else: try again on the next wakeup
    }
    ++handled;
    const IpAddr source = from_sockaddr(peer);
    const size_t length = std::min(static_cast<size_t>(n), buffer_.size());
    const auto replies = handler_.handle(std::span<const uint8_t>(buffer_.data(), length), source,
                                         max_udp_payload(config_.mtu, source.family));
    if (!replies.empty()) {
      send_replies(fd, replies, &peer, msg.msg_namelen, local_address(msg), peer.ss_family);
    }
  }
  return handled;
}

void RegistrationServer::send_replies(int fd, const std::vector<std::vector<uint8_t>>& datagrams,
                                      const void* peer, unsigned peer_len, const IpAddr& local,
                                      int family) {
  // Answer from the address the request was sent to (the anycast service address), not from
  // whatever the routing table would pick for a wildcard socket.
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(in6_pktinfo))] = {};
  size_t control_len = 0;
  if (is_unicast(local)) {
    cmsghdr* c = reinterpret_cast<cmsghdr*>(control);
    if (family == AF_INET6 && local.is_v6()) {
      in6_pktinfo info{};
      std::memcpy(&info.ipi6_addr, local.bytes.data(), 16);
      c->cmsg_level = IPPROTO_IPV6;
      c->cmsg_type = IPV6_PKTINFO;
      c->cmsg_len = CMSG_LEN(sizeof info);
      std::memcpy(CMSG_DATA(c), &info, sizeof info);
      control_len = CMSG_SPACE(sizeof info);
    } else if (family == AF_INET && local.is_v4()) {
      in_pktinfo info{};
      std::memcpy(&info.ipi_spec_dst, local.bytes.data(), 4);
      c->cmsg_level = IPPROTO_IP;
      c->cmsg_type = IP_PKTINFO;
      c->cmsg_len = CMSG_LEN(sizeof info);
      std::memcpy(CMSG_DATA(c), &info, sizeof info);
      control_len = CMSG_SPACE(sizeof info);
    }
  }
  for (const auto& d : datagrams) {
    iovec iov{const_cast<uint8_t*>(d.data()), d.size()};
    msghdr msg{};
    msg.msg_name = const_cast<void*>(peer);
    msg.msg_namelen = peer_len;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control_len ? control : nullptr;
    msg.msg_controllen = control_len;
    ssize_t sent = ::sendmsg(fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (sent < 0 && errno == EINVAL && control_len) {
      msg.msg_control = nullptr;  // the local address is no longer ours: let routing choose
      msg.msg_controllen = 0;
      sent = ::sendmsg(fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
    }
    handler_.count_reply(sent == static_cast<ssize_t>(d.size()));
  }
}

bool RegistrationServer::start(std::string* error) {
  if (thread_.joinable()) return true;
  if (!open(error)) return false;
  stop_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (stop_fd_ < 0) {
    if (error) *error = errno_text("eventfd");
    return false;
  }
  thread_ = std::thread([this] { run(); });
  return true;
}

void RegistrationServer::run() {
  std::vector<pollfd> pfds;
  for (int fd : fds_) pfds.push_back({fd, POLLIN, 0});
  pfds.push_back({stop_fd_, POLLIN, 0});
  for (;;) {
    if (::poll(pfds.data(), pfds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (pfds.back().revents != 0) return;
    for (size_t i = 0; i + 1 < pfds.size(); ++i) {
      if (pfds[i].revents != 0) on_readable(pfds[i].fd);
    }
  }
}

void RegistrationServer::stop() {
  if (!thread_.joinable()) return;
  const uint64_t one = 1;
  [[maybe_unused]] ssize_t w = ::write(stop_fd_, &one, sizeof one);
  thread_.join();
  ::close(stop_fd_);
  stop_fd_ = -1;
}

void RegistrationServer::close_all() {
  for (int fd : fds_) ::close(fd);
  fds_.clear();
  fd_addresses_.clear();
}

}  // namespace vxsn
