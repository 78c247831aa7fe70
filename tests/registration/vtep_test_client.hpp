// A VTEP's side of the registration protocol, written for the tests from
// shared/notes/vxfld-registration.md alone: its own byte-level encoder and a tiny protobuf
// reader, sharing nothing with host/registration, so the server is checked against an
// independent reading of the wire format.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace vxsn::test {

using Ipv4 = std::array<uint8_t, 4>;
using Ipv6 = std::array<uint8_t, 16>;

struct ClientVni {
  uint32_t vni = 0;
  std::vector<Ipv4> v4;
  std::vector<Ipv6> v6;  // version 4 only
};

struct ClientRefresh {
  uint8_t version = 3;
  bool originator = true;
  std::optional<uint32_t> holdtime = 90;  // nullopt: leave the v3 field out
  uint8_t response_type = 1;              // not written in v1
  uint64_t identifier = 0;                // v3/v4 only
  std::vector<ClientVni> vteps;
};

std::vector<uint8_t> client_encode(const ClientRefresh& r);

// What a VTEP reads from a reply datagram.
struct ClientReply {
  uint8_t version = 0;
  bool originator = true;
  uint32_t holdtime = 0;
  uint32_t response_type = 99;
  uint64_t identifier = 99;
  // Per VNI, the addresses as text, in datagram order (a VNI may appear more than once).
  std::vector<std::pair<uint32_t, std::vector<std::string>>> records;
};
std::optional<ClientReply> client_decode(const std::vector<uint8_t>& datagram);

// The members per VNI over several reply datagrams (the union of their records).
std::map<uint32_t, std::set<std::string>> client_union(const std::vector<ClientReply>& replies);

std::string text(const Ipv4& a);

// A UDP socket on 127.0.0.1, as a VTEP's registration daemon would have.
class UdpVtepSocket {
 public:
  UdpVtepSocket();
  ~UdpVtepSocket();
  UdpVtepSocket(const UdpVtepSocket&) = delete;
  UdpVtepSocket& operator=(const UdpVtepSocket&) = delete;

  void send_to(uint16_t port, const std::vector<uint8_t>& datagram);
  // The next datagram, or nullopt if none comes within `limit` (a guard against hanging, not
  // a measured deadline).
  std::optional<std::vector<uint8_t>> receive(std::chrono::milliseconds limit);

 private:
  int fd_ = -1;
};

}  // namespace vxsn::test
