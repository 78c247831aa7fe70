#include "host/nexthop/rtnl_events.hpp"

#include <libmnl/libmnl.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace vxsn {

namespace {

constexpr int kReceiveBufferBytes = 4 << 20;

int on_neighbour_attr(const nlattr* attr, void* data) {
  if (mnl_attr_get_type(attr) != NDA_DST) return MNL_CB_OK;
  auto* dst = static_cast<IpAddr*>(data);
  auto len = mnl_attr_get_payload_len(attr);
  auto* bytes = static_cast<const uint8_t*>(mnl_attr_get_payload(attr));
  if (len == 4) *dst = IpAddr::v4(bytes);
  if (len == 16) *dst = IpAddr::v6(bytes);
  return MNL_CB_OK;
}

int on_event(const nlmsghdr* nlh, void* data) {
  auto* changes = static_cast<RtnlChanges*>(data);
  switch (nlh->nlmsg_type) {
    case RTM_NEWNEIGH:
    case RTM_DELNEIGH: {
      auto* ndm = static_cast<const ndmsg*>(mnl_nlmsg_get_payload(nlh));
      // Bridge FDB entries share the group but are not IP neighbours.
      if (ndm->ndm_family != AF_INET && ndm->ndm_family != AF_INET6) break;
      IpAddr dst;
      mnl_attr_parse(nlh, sizeof(ndmsg), on_neighbour_attr, &dst);
      if (dst.family == IpAddr::Family::kNone) break;
      changes->anything = true;
      changes->neighbours.push_back(dst);
      break;
    }
    case RTM_NEWROUTE:
    case RTM_DELROUTE:
    case RTM_NEWLINK:
    case RTM_DELLINK:
    case RTM_NEWADDR:
    case RTM_DELADDR:
      changes->anything = true;
      changes->everything = true;
      break;
    default:
      break;
  }
  return MNL_CB_OK;
}

}  // namespace

RtnlEventSocket::RtnlEventSocket() {
  sock_.set_receive_buffer(kReceiveBufferBytes);
  for (unsigned group : {RTNLGRP_NEIGH, RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE, RTNLGRP_LINK,
                         RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR})
    sock_.join_group(group);
}

RtnlChanges RtnlEventSocket::drain() {
  RtnlChanges changes;
  std::vector<char> buf(MNL_SOCKET_BUFFER_SIZE);
  for (;;) {
    ssize_t n = recv(sock_.fd(), buf.data(), buf.size(), MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      if (errno == ENOBUFS) {
        // The kernel dropped notifications: we cannot know which targets they concerned.
        spdlog::warn("nexthop: netlink notifications overran; re-resolving every target");
        changes.anything = changes.everything = true;
        continue;
      }
      spdlog::error("nexthop: reading netlink notifications failed: {}", std::strerror(errno));
      changes.anything = changes.everything = true;
      break;
    }
    if (n == 0) break;
    if (mnl_cb_run(buf.data(), n, 0, 0, on_event, &changes) < 0 && errno != EPROTO)
      spdlog::warn("nexthop: malformed netlink notification: {}", std::strerror(errno));
  }
  return changes;
}

}  // namespace vxsn
