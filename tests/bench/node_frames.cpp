#include "tests/bench/node_frames.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "tests/bench/e2e_paced_sender.hpp"

namespace vxsn::test {
namespace {

void put16(std::vector<uint8_t>& f, size_t at, size_t v) {
  f[at] = static_cast<uint8_t>(v >> 8);
  f[at + 1] = static_cast<uint8_t>(v);
}

}  // namespace

std::vector<uint8_t> vxlan_frame(const VxlanFrameSpec& spec) {
  const std::vector<uint8_t> payload = vxlan_datagram(spec.vni, spec.inner_len);
  constexpr size_t kEth = 14, kIp = 20, kUdp = 8;
  std::vector<uint8_t> f(kEth + kIp + kUdp + payload.size(), 0);
  std::copy(spec.dst_mac.begin(), spec.dst_mac.end(), f.begin());
  std::copy(spec.src_mac.begin(), spec.src_mac.end(), f.begin() + 6);
  put16(f, 12, 0x0800);
  uint8_t* ip = f.data() + kEth;
  ip[0] = 0x45;
  put16(f, kEth + 2, kIp + kUdp + payload.size());
  ip[8] = 64;  // TTL
  ip[9] = 17;  // UDP
  std::copy(spec.src_ip.begin(), spec.src_ip.end(), ip + 12);
  std::copy(spec.dst_ip.begin(), spec.dst_ip.end(), ip + 16);
  uint32_t sum = 0;
  for (size_t i = 0; i < kIp; i += 2) sum += (ip[i] << 8) | ip[i + 1];
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  put16(f, kEth + 10, ~sum & 0xFFFF);
  put16(f, kEth + kIp, spec.src_port);
  put16(f, kEth + kIp + 2, 4789);
  put16(f, kEth + kIp + 4, kUdp + payload.size());
  std::copy(payload.begin(), payload.end(), f.begin() + kEth + kIp + kUdp);
  return f;
}

Mac parse_mac(const std::string& text) {
  Mac m{};
  unsigned b[6];
  char end;
  if (std::sscanf(text.c_str(), "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
                  &end) != 6 ||
      std::any_of(b, b + 6, [](unsigned x) { return x > 0xff; }))
    throw std::invalid_argument("not a MAC address: '" + text + "'");
  std::copy(b, b + 6, m.begin());
  return m;
}

Ipv4 parse_ipv4(const std::string& text) {
  Ipv4 a{};
  if (::inet_pton(AF_INET, text.c_str(), a.data()) != 1)
    throw std::invalid_argument("not an IPv4 address: '" + text + "'");
  return a;
}

}  // namespace vxsn::test
