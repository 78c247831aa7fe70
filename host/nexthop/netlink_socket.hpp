// A NETLINK_ROUTE socket (libmnl) bound in the network namespace of the thread that opens it.
#pragma once

#include <chrono>
#include <cstdint>

struct mnl_socket;
struct nlmsghdr;

namespace vxsn {

// Called for every reply message; return MNL_CB_OK to keep going (libmnl's mnl_cb_t).
using NetlinkCallback = int (*)(const nlmsghdr* nlh, void* data);

class NetlinkSocket {
 public:
  // Throws std::system_error if the socket cannot be opened or bound.
  NetlinkSocket();
  ~NetlinkSocket();
  NetlinkSocket(const NetlinkSocket&) = delete;
  NetlinkSocket& operator=(const NetlinkSocket&) = delete;

  int fd() const;

  // Sends one request with NLM_F_ACK and reads until the kernel's ack or error, so a reply is
  // never confused with the next request's. Returns 0, or -errno (kernel error, -ETIMEDOUT when
  // the kernel does not answer within `timeout`).
  int request(nlmsghdr* nlh, NetlinkCallback on_reply, void* data,
              std::chrono::milliseconds timeout = std::chrono::milliseconds(1000));

  // Multicast subscription (RTNLGRP_*); throws std::system_error on failure.
  void join_group(unsigned group);
  // A larger buffer makes notification overruns (ENOBUFS) rarer under bursts of changes.
  void set_receive_buffer(int bytes);

 private:
  mnl_socket* sock_ = nullptr;
  uint32_t portid_ = 0;
  uint32_t next_seq_ = 1;
};

}  // namespace vxsn
