#include "host/nexthop/netlink_socket.hpp"

#include <libmnl/libmnl.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <system_error>
#include <vector>

namespace vxsn {

namespace {
[[noreturn]] void throw_errno(const char* what) {
  throw std::system_error(errno, std::generic_category(), what);
}
}  // namespace

NetlinkSocket::NetlinkSocket() {
  sock_ = mnl_socket_open(NETLINK_ROUTE);
  if (sock_ == nullptr) throw_errno("netlink: socket(NETLINK_ROUTE)");
  if (mnl_socket_bind(sock_, 0, MNL_SOCKET_AUTOPID) < 0) {
    int saved = errno;
    mnl_socket_close(sock_);
    errno = saved;
    throw_errno("netlink: bind");
  }
  portid_ = mnl_socket_get_portid(sock_);
}

NetlinkSocket::~NetlinkSocket() {
  mnl_socket_close(sock_);
}

int NetlinkSocket::fd() const {
  return mnl_socket_get_fd(sock_);
}

int NetlinkSocket::request(nlmsghdr* nlh, NetlinkCallback on_reply, void* data,
                           std::chrono::milliseconds timeout) {
  nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
  nlh->nlmsg_seq = next_seq_++;
  if (mnl_socket_sendto(sock_, nlh, nlh->nlmsg_len) < 0) return -errno;

  std::vector<char> buf(MNL_SOCKET_BUFFER_SIZE);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return -ETIMEDOUT;
    pollfd pfd{fd(), POLLIN, 0};
    int ready = poll(&pfd, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return -errno;
    if (ready == 0) return -ETIMEDOUT;

    ssize_t n = recv(fd(), buf.data(), buf.size(), MSG_DONTWAIT);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n < 0) return -errno;
    int ret = mnl_cb_run(buf.data(), n, nlh->nlmsg_seq, portid_, on_reply, data);
    if (ret == MNL_CB_STOP) return 0;  // the ack
    if (ret < 0) {
      // A late answer to an earlier request that timed out carries an old sequence number.
      if (errno == EPROTO) continue;
      return -errno;
    }
  }
}

void NetlinkSocket::join_group(unsigned group) {
  if (mnl_socket_setsockopt(sock_, NETLINK_ADD_MEMBERSHIP, &group, sizeof group) < 0)
    throw_errno("netlink: NETLINK_ADD_MEMBERSHIP");
}

void NetlinkSocket::set_receive_buffer(int bytes) {
  // SO_RCVBUFFORCE needs CAP_NET_ADMIN; fall back to the capped variant without it.
  if (setsockopt(fd(), SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof bytes) < 0)
    setsockopt(fd(), SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
}

}  // namespace vxsn
