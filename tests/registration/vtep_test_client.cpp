#include "tests/registration/vtep_test_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace vxsn::test {
namespace {

void be16(std::vector<uint8_t>& o, uint32_t v) {
  o.push_back(static_cast<uint8_t>(v >> 8));
  o.push_back(static_cast<uint8_t>(v));
}
void be32(std::vector<uint8_t>& o, uint32_t v) {
  be16(o, v >> 16);
  be16(o, v & 0xFFFF);
}
void varint(std::vector<uint8_t>& o, uint64_t v) {
  while (v >= 0x80) {
    o.push_back(static_cast<uint8_t>(v | 0x80));
    v >>= 7;
  }
  o.push_back(static_cast<uint8_t>(v));
}
void tag(std::vector<uint8_t>& o, unsigned field, unsigned wire_type) {
  varint(o, field << 3 | wire_type);
}
void bytes_field(std::vector<uint8_t>& o, unsigned field, const std::vector<uint8_t>& body) {
  tag(o, field, 2);
  varint(o, body.size());
  o.insert(o.end(), body.begin(), body.end());
}

// The protobuf wire format, just enough to read a Refresh.
struct Field {
  unsigned number = 0;
  uint64_t value = 0;            // wire type 0
  std::vector<uint8_t> payload;  // wire type 2
};

bool read_varint(const std::vector<uint8_t>& b, size_t& at, uint64_t& v) {
  v = 0;
  for (unsigned shift = 0; shift < 64; shift += 7) {
    if (at >= b.size()) return false;
    const uint8_t byte = b[at++];
    v |= uint64_t{byte & 0x7Fu} << shift;
    if (!(byte & 0x80)) return true;
  }
  return false;
}

std::optional<std::vector<Field>> read_fields(const std::vector<uint8_t>& b) {
  std::vector<Field> out;
  size_t at = 0;
  while (at < b.size()) {
    uint64_t key;
    if (!read_varint(b, at, key)) return std::nullopt;
    Field f;
    f.number = static_cast<unsigned>(key >> 3);
    if ((key & 7) == 0) {
      if (!read_varint(b, at, f.value)) return std::nullopt;
    } else if ((key & 7) == 2) {
      uint64_t len;
      if (!read_varint(b, at, len) || len > b.size() - at) return std::nullopt;
      f.payload.assign(b.begin() + at, b.begin() + at + len);
      at += len;
    } else {
      return std::nullopt;  // a Refresh uses no other wire type
    }
    out.push_back(std::move(f));
  }
  return out;
}

std::optional<std::string> read_ipv4_message(const std::vector<uint8_t>& ip_message) {
  auto fields = read_fields(ip_message);
  if (!fields) return std::nullopt;
  std::vector<uint64_t> octets;
  for (const Field& f : *fields) {
    if (f.number != 1) continue;
    size_t at = 0;
    uint64_t v;
    while (at < f.payload.size()) {  // packed
      if (!read_varint(f.payload, at, v)) return std::nullopt;
      octets.push_back(v);
    }
  }
  if (octets.size() != 4) return std::nullopt;
  return std::to_string(octets[0]) + "." + std::to_string(octets[1]) + "." +
         std::to_string(octets[2]) + "." + std::to_string(octets[3]);
}

}  // namespace

std::string text(const Ipv4& a) {
  char buf[INET_ADDRSTRLEN];
  ::inet_ntop(AF_INET, a.data(), buf, sizeof buf);
  return buf;
}

std::vector<uint8_t> client_encode(const ClientRefresh& r) {
  std::vector<uint8_t> o{r.version, 1};
  if (r.version == 1 || r.version == 2) {
    be16(o, r.originator ? 1 : 0);
    be16(o, r.holdtime.value_or(90));
    if (r.version == 2) be16(o, r.response_type);
    for (const ClientVni& v : r.vteps) {
      be32(o, v.vni);
      be16(o, static_cast<uint32_t>(v.v4.size()));
      for (const Ipv4& a : v.v4) o.insert(o.end(), a.begin(), a.end());
    }
    return o;
  }
  tag(o, 1, 0);
  varint(o, r.originator ? 1 : 0);
  if (r.holdtime) {
    tag(o, 2, 0);
    varint(o, *r.holdtime);
  }
  tag(o, 3, 0);
  varint(o, r.response_type);
  tag(o, 4, 0);
  varint(o, r.identifier);
  for (const ClientVni& v : r.vteps) {
    std::vector<uint8_t> dict;
    tag(dict, 1, 0);
    varint(dict, v.vni);
    for (const Ipv4& a : v.v4) {
      std::vector<uint8_t> packed;
      for (uint8_t octet : a) varint(packed, octet);
      std::vector<uint8_t> ip;
      bytes_field(ip, 1, packed);
      std::vector<uint8_t> data;
      bytes_field(data, 1, ip);
      bytes_field(dict, 2, data);
    }
    for (const Ipv6& a : v.v6) bytes_field(dict, 15, std::vector<uint8_t>(a.begin(), a.end()));
    bytes_field(o, 5, dict);
  }
  return o;
}

std::optional<ClientReply> client_decode(const std::vector<uint8_t>& d) {
  if (d.size() < 2 || d[1] != 1) return std::nullopt;
  ClientReply r;
  r.version = d[0];
  if (r.version == 1 || r.version == 2) {
    const size_t fixed = r.version == 1 ? 6 : 8;
    if (d.size() < fixed) return std::nullopt;
    r.originator = (d[2] << 8 | d[3]) != 0;
    r.holdtime = d[4] << 8 | d[5];
    r.response_type = r.version == 2 ? (d[6] << 8 | d[7]) : 0;
    r.identifier = 0;
    size_t at = fixed;
    while (at < d.size()) {
      if (d.size() - at < 6) return std::nullopt;
      const uint32_t vni = uint32_t{d[at]} << 24 | d[at + 1] << 16 | d[at + 2] << 8 | d[at + 3];
      const size_t count = d[at + 4] << 8 | d[at + 5];
      at += 6;
      if (count * 4 > d.size() - at) return std::nullopt;
      std::vector<std::string> members;
      for (size_t i = 0; i < count; ++i, at += 4)
        members.push_back(text({d[at], d[at + 1], d[at + 2], d[at + 3]}));
      r.records.emplace_back(vni, std::move(members));
    }
    return r;
  }
  auto fields = read_fields(std::vector<uint8_t>(d.begin() + 2, d.end()));
  if (!fields) return std::nullopt;
  r.originator = false;
  r.holdtime = 90;
  r.response_type = 0;
  r.identifier = 0;
  for (const Field& f : *fields) {
    switch (f.number) {
      case 1:
        r.originator = f.value != 0;
        break;
      case 2:
        r.holdtime = static_cast<uint32_t>(f.value);
        break;
      case 3:
        r.response_type = static_cast<uint32_t>(f.value);
        break;
      case 4:
        r.identifier = f.value;
        break;
      case 5: {
        auto dict = read_fields(f.payload);
        if (!dict) return std::nullopt;
        uint32_t vni = 0;
        std::vector<std::string> members;
        for (const Field& g : *dict) {
          if (g.number == 1) vni = static_cast<uint32_t>(g.value);
          if (g.number == 2) {  // VniData { IPv4Address ip_addr = 1 }
            auto data = read_fields(g.payload);
            if (!data || data->size() != 1 || (*data)[0].number != 1) return std::nullopt;
            auto a = read_ipv4_message((*data)[0].payload);
            if (!a) return std::nullopt;
            members.push_back(*a);
          }
          if (g.number == 15) {
            if (g.payload.size() != 16) return std::nullopt;
            char buf[INET6_ADDRSTRLEN];
            ::inet_ntop(AF_INET6, g.payload.data(), buf, sizeof buf);
            members.push_back(buf);
          }
        }
        r.records.emplace_back(vni, std::move(members));
        break;
      }
      default:
        break;
    }
  }
  return r;
}

std::map<uint32_t, std::set<std::string>> client_union(const std::vector<ClientReply>& replies) {
  std::map<uint32_t, std::set<std::string>> out;
  for (const ClientReply& r : replies) {
    for (const auto& [vni, members] : r.records) out[vni].insert(members.begin(), members.end());
  }
  return out;
}

UdpVtepSocket::UdpVtepSocket() {
  fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw std::runtime_error("socket");
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd_, reinterpret_cast<sockaddr*>(&sin), sizeof sin) != 0) {
    throw std::runtime_error("bind");
  }
}

UdpVtepSocket::~UdpVtepSocket() {
  ::close(fd_);
}

void UdpVtepSocket::send_to(uint16_t port, const std::vector<uint8_t>& datagram) {
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_port = htons(port);
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::sendto(fd_, datagram.data(), datagram.size(), 0, reinterpret_cast<sockaddr*>(&sin),
               sizeof sin) != static_cast<ssize_t>(datagram.size())) {
    throw std::runtime_error("sendto");
  }
}

std::optional<std::vector<uint8_t>> UdpVtepSocket::receive(std::chrono::milliseconds limit) {
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(limit.count())) <= 0) return std::nullopt;
  std::vector<uint8_t> buf(65536);
  const ssize_t n = ::recv(fd_, buf.data(), buf.size(), 0);
  if (n < 0) return std::nullopt;
  buf.resize(static_cast<size_t>(n));
  return buf;
}

}  // namespace vxsn::test
