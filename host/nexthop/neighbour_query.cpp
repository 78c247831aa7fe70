#include "host/nexthop/neighbour_query.hpp"

#include <libmnl/libmnl.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace vxsn {

namespace {

struct NeighbourReply {
  bool seen = false;
  uint16_t state = 0;
  bool has_mac = false;
  MacAddr mac;
};

int on_neighbour_attr(const nlattr* attr, void* data) {
  auto* reply = static_cast<NeighbourReply*>(data);
  if (mnl_attr_get_type(attr) == NDA_LLADDR && mnl_attr_get_payload_len(attr) == 6) {
    std::memcpy(reply->mac.bytes.data(), mnl_attr_get_payload(attr), 6);
    reply->has_mac = true;
  }
  return MNL_CB_OK;
}

int on_neighbour_reply(const nlmsghdr* nlh, void* data) {
  auto* reply = static_cast<NeighbourReply*>(data);
  if (nlh->nlmsg_type != RTM_NEWNEIGH) return MNL_CB_OK;
  auto* ndm = static_cast<const ndmsg*>(mnl_nlmsg_get_payload(nlh));
  reply->seen = true;
  reply->state = ndm->ndm_state;
  mnl_attr_parse(nlh, sizeof(ndmsg), on_neighbour_attr, reply);
  return MNL_CB_OK;
}

nlmsghdr* put_neighbour_header(std::vector<char>& buf, uint16_t type, int ifindex,
                               const IpAddr& addr) {
  nlmsghdr* nlh = mnl_nlmsg_put_header(buf.data());
  nlh->nlmsg_type = type;
  auto* ndm = static_cast<ndmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ndmsg)));
  ndm->ndm_family = addr.is_v4() ? AF_INET : AF_INET6;
  ndm->ndm_ifindex = ifindex;
  mnl_attr_put(nlh, NDA_DST, addr.size(), addr.bytes.data());
  return nlh;
}

constexpr uint16_t kUsableStates =
    NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE | NUD_PERMANENT | NUD_NOARP;

}  // namespace

NeighbourAnswer query_neighbour(NetlinkSocket& sock, int ifindex, const IpAddr& addr) {
  NeighbourAnswer answer;
  std::vector<char> buf(MNL_SOCKET_BUFFER_SIZE);
  nlmsghdr* nlh = put_neighbour_header(buf, RTM_GETNEIGH, ifindex, addr);

  NeighbourReply reply;
  int err = sock.request(nlh, on_neighbour_reply, &reply);
  if (err == -ENOENT) {
    answer.status = NeighbourAnswer::Status::kMissing;
    return answer;
  }
  if (err != 0 || !reply.seen) {
    answer.error = err != 0 ? err : -EBADMSG;
    return answer;
  }
  answer.nud_state = reply.state;
  answer.mac = reply.mac;
  bool usable = (reply.state & kUsableStates) != 0 && reply.has_mac && !reply.mac.is_zero();
  answer.status = usable ? NeighbourAnswer::Status::kValid : NeighbourAnswer::Status::kUnusable;
  return answer;
}

int request_neighbour_resolution(NetlinkSocket& sock, int ifindex, const IpAddr& addr) {
  std::vector<char> buf(MNL_SOCKET_BUFFER_SIZE);
  nlmsghdr* nlh = put_neighbour_header(buf, RTM_NEWNEIGH, ifindex, addr);
  nlh->nlmsg_flags |= NLM_F_CREATE | NLM_F_REPLACE;
  auto* ndm = static_cast<ndmsg*>(mnl_nlmsg_get_payload(nlh));
  ndm->ndm_flags = NTF_USE;
  // With NTF_USE the kernel ignores ndm_state for the update; it only matters when the entry is
  // created, where NUD_PERMANENT (iproute2's default) would exempt it from garbage collection.
  // NUD_NONE leaves the entry to age out normally once nobody tracks it.
  ndm->ndm_state = NUD_NONE;
  return sock.request(nlh, nullptr, nullptr);
}

}  // namespace vxsn
