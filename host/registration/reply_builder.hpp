// Splits a REFRESH reply into datagrams that each fit the path MTU, in the requester's
// version. vxrd ignores a VNI list that lacks its own address, so every datagram that carries
// part of a VNI repeats the requester's own addresses of that VNI.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "driver/net_types.hpp"

namespace vxsn {

struct ReplyVni {
  uint32_t vni = 0;
  std::vector<IpAddr> own;      // the requester's addresses in this VNI: in every part
  std::vector<IpAddr> members;  // the VNI's member list (may include `own`)
};

// Reply datagrams (UDP payloads) of at most `max_payload` bytes each: originator false,
// response_type 0, identifier 0, holdtime `holdtime`. Addresses `version` cannot carry (IPv6
// before version 4) are left out. At least one datagram, even with nothing to list.
// Returns nothing only if `max_payload` cannot hold a header and one address.
std::vector<std::vector<uint8_t>> build_reply_datagrams(uint8_t version, uint32_t holdtime,
                                                        std::span<const ReplyVni> vnis,
                                                        size_t max_payload);

struct BoundedReply {
  std::vector<std::vector<uint8_t>> datagrams;
  bool truncated = false;    // the whole reply did not fit `max_total`: its tail was left out
  bool unbuildable = false;  // `max_payload` cannot hold a header and one address
};

// As build_reply_datagrams, and all the datagrams together hold at most `max_total` payload
// bytes (the amplification bound). VNIs are packed in order; the first part that does not fit
// ends the reply, so what is sent is a prefix: whole VNIs, then at most one VNI in part (each
// part still led by the requester's own addresses). When not even a header and the own
// addresses of the first VNI fit, there is no datagram at all.
BoundedReply build_bounded_reply(uint8_t version, uint32_t holdtime, std::span<const ReplyVni> vnis,
                                 size_t max_payload, size_t max_total);

// The largest UDP payload that fits `mtu` towards a peer of this address family.
size_t max_udp_payload(unsigned mtu, IpAddr::Family family);

}  // namespace vxsn
