#include "host/nexthop/route_query.hpp"

#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <cerrno>
#include <vector>

namespace vxsn {

namespace {

struct RouteReply {
  bool seen = false;
  uint8_t type = RTN_UNSPEC;
  int ifindex = 0;
  IpAddr gateway;
};

IpAddr address_from(int family, const void* data, size_t len) {
  if (family == AF_INET && len >= 4) return IpAddr::v4(static_cast<const uint8_t*>(data));
  if (family == AF_INET6 && len >= 16) return IpAddr::v6(static_cast<const uint8_t*>(data));
  return {};
}

int on_route_attr(const nlattr* attr, void* data) {
  auto& [reply, family] = *static_cast<std::pair<RouteReply*, int>*>(data);
  switch (mnl_attr_get_type(attr)) {
    case RTA_OIF:
      if (mnl_attr_validate(attr, MNL_TYPE_U32) >= 0)
        reply->ifindex = static_cast<int>(mnl_attr_get_u32(attr));
      break;
    case RTA_GATEWAY:
      reply->gateway =
          address_from(family, mnl_attr_get_payload(attr), mnl_attr_get_payload_len(attr));
      break;
    case RTA_VIA: {
      // IPv4 routes may name an IPv6 next hop (RFC 5549): the address carries its own family.
      auto len = mnl_attr_get_payload_len(attr);
      if (len < sizeof(rtvia)) break;
      auto* via = static_cast<const rtvia*>(mnl_attr_get_payload(attr));
      reply->gateway = address_from(via->rtvia_family, via->rtvia_addr, len - sizeof(rtvia));
      break;
    }
    default:
      break;
  }
  return MNL_CB_OK;
}

int on_route_reply(const nlmsghdr* nlh, void* data) {
  auto* reply = static_cast<RouteReply*>(data);
  if (nlh->nlmsg_type != RTM_NEWROUTE) return MNL_CB_OK;
  auto* rtm = static_cast<const rtmsg*>(mnl_nlmsg_get_payload(nlh));
  reply->seen = true;
  reply->type = rtm->rtm_type;
  std::pair<RouteReply*, int> ctx{reply, rtm->rtm_family};
  mnl_attr_parse(nlh, sizeof(rtmsg), on_route_attr, &ctx);
  return MNL_CB_OK;
}

}  // namespace

RouteAnswer query_route(NetlinkSocket& sock, const IpAddr& dst) {
  RouteAnswer answer;
  if (!dst.is_v4() && !dst.is_v6()) {
    answer.status = RouteAnswer::Status::kNoRoute;
    return answer;
  }
  std::vector<char> buf(MNL_SOCKET_BUFFER_SIZE);
  nlmsghdr* nlh = mnl_nlmsg_put_header(buf.data());
  nlh->nlmsg_type = RTM_GETROUTE;
  auto* rtm = static_cast<rtmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(rtmsg)));
  rtm->rtm_family = dst.is_v4() ? AF_INET : AF_INET6;
  rtm->rtm_dst_len = static_cast<uint8_t>(dst.size() * 8);
  mnl_attr_put(nlh, RTA_DST, dst.size(), dst.bytes.data());

  RouteReply reply;
  int err = sock.request(nlh, on_route_reply, &reply);
  // The kernel answers "no route" with an error rather than an empty reply.
  if (err == -ENETUNREACH || err == -EHOSTUNREACH || err == -ESRCH || err == -EINVAL ||
      err == -EACCES || err == -EPERM) {
    answer.status = RouteAnswer::Status::kNoRoute;
    answer.error = err;
    return answer;
  }
  if (err != 0 || !reply.seen) {
    answer.error = err != 0 ? err : -EBADMSG;
    return answer;
  }
  if (reply.type != RTN_UNICAST || reply.ifindex == 0) {
    answer.status = RouteAnswer::Status::kNoRoute;
    return answer;
  }
  answer.status = RouteAnswer::Status::kRoute;
  answer.ifindex = reply.ifindex;
  answer.via = reply.gateway.family != IpAddr::Family::kNone ? reply.gateway : dst;
  return answer;
}

}  // namespace vxsn
