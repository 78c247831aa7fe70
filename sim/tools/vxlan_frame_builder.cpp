#include "sim/tools/vxlan_frame_builder.hpp"

#include <algorithm>
#include <stdexcept>

namespace vxsn::sim {
namespace {

void put16(std::vector<uint8_t>& f, size_t at, uint16_t v) {
  f[at] = static_cast<uint8_t>(v >> 8);
  f[at + 1] = static_cast<uint8_t>(v);
}

}  // namespace

uint32_t ones_sum(std::span<const uint8_t> bytes, uint32_t initial) {
  uint64_t s = initial;
  for (size_t i = 0; i < bytes.size(); i += 2) {
    const uint32_t hi = bytes[i];
    const uint32_t lo = i + 1 < bytes.size() ? bytes[i + 1] : 0;
    s += (hi << 8) | lo;
  }
  while (s >> 16) s = (s & 0xFFFF) + (s >> 16);
  return static_cast<uint32_t>(s);
}

uint16_t ones_finish(uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

std::vector<uint8_t> make_inner_frame(size_t len, uint32_t seed) {
  std::vector<uint8_t> f(len);
  uint32_t x = seed * 2654435761u + 12345;
  for (size_t i = 0; i < len; ++i) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    f[i] = static_cast<uint8_t>(x);
  }
  // A broadcast inner frame (what a service node floods): dst ff:ff..., EtherType ARP.
  for (size_t i = 0; i < 6 && i < len; ++i) f[i] = 0xFF;
  if (len >= 14) {
    f[6] = 0x52;  // locally administered unicast source
    f[12] = 0x08;
    f[13] = 0x06;
  }
  return f;
}

size_t ip_offset(const VxlanFrameSpec& spec) {
  return 14 + (spec.vlan_tci ? 4 : 0);
}

size_t outer_overhead(const VxlanFrameSpec& spec) {
  return ip_offset(spec) + (spec.src.is_v6() ? 40 : 20) + 8 + 8;
}

void fix_ipv4_checksum(uint8_t* ip) {
  ip[10] = ip[11] = 0;
  const uint16_t c = ones_finish(ones_sum({ip, 20}));
  ip[10] = static_cast<uint8_t>(c >> 8);
  ip[11] = static_cast<uint8_t>(c);
}

std::vector<uint8_t> build_vxlan_frame(const VxlanFrameSpec& spec, std::span<const uint8_t> inner) {
  if (spec.src.family != spec.dst.family || spec.src.family == IpAddr::Family::kNone)
    throw std::invalid_argument("build_vxlan_frame: source and destination of one family");
  const bool v6 = spec.src.is_v6();
  const size_t ip = ip_offset(spec);
  const size_t ip_len = v6 ? 40 : 20;
  const size_t udp = ip + ip_len;
  const size_t udp_len = 8 + 8 + inner.size();
  std::vector<uint8_t> f(udp + udp_len + spec.trailer, 0);

  std::copy(spec.dst_mac.bytes.begin(), spec.dst_mac.bytes.end(), f.begin());
  std::copy(spec.src_mac.bytes.begin(), spec.src_mac.bytes.end(), f.begin() + 6);
  if (spec.vlan_tci) {
    put16(f, 12, 0x8100);
    put16(f, 14, *spec.vlan_tci);
  }
  put16(f, ip - 2, v6 ? 0x86DD : 0x0800);
  if (v6) {
    f[ip] = 0x60;
    put16(f, ip + 4, static_cast<uint16_t>(udp_len));
    f[ip + 6] = 17;
    f[ip + 7] = spec.ttl;
    std::copy_n(spec.src.bytes.begin(), 16, f.begin() + ip + 8);
    std::copy_n(spec.dst.bytes.begin(), 16, f.begin() + ip + 24);
  } else {
    f[ip] = 0x45;
    put16(f, ip + 2, static_cast<uint16_t>(20 + udp_len));
    put16(f, ip + 4, 0x1234);  // identification: anything; copies reset it
    f[ip + 8] = spec.ttl;
    f[ip + 9] = 17;
    std::copy_n(spec.src.bytes.begin(), 4, f.begin() + ip + 12);
    std::copy_n(spec.dst.bytes.begin(), 4, f.begin() + ip + 16);
    fix_ipv4_checksum(f.data() + ip);
  }
  put16(f, udp, spec.udp_src_port);
  put16(f, udp + 2, spec.udp_dst_port);
  put16(f, udp + 4, static_cast<uint16_t>(udp_len));
  const size_t vx = udp + 8;
  f[vx] = spec.vxlan_flags;
  f[vx + 4] = static_cast<uint8_t>(spec.vni >> 16);
  f[vx + 5] = static_cast<uint8_t>(spec.vni >> 8);
  f[vx + 6] = static_cast<uint8_t>(spec.vni);
  std::copy(inner.begin(), inner.end(), f.begin() + vx + 8);
  if (v6) {
    // Pseudo-header: source, destination, UDP length, next header; then the datagram.
    uint32_t s = ones_sum({f.data() + ip + 8, 32});
    s = ones_sum({f.data() + udp, udp_len}, s + static_cast<uint32_t>(udp_len) + 17);
    uint16_t c = ones_finish(s);
    put16(f, udp + 6, c == 0 ? 0xFFFF : c);
  }
  // Trailer bytes are non-zero on purpose: a copy must not carry them.
  for (size_t i = 0; i < spec.trailer; ++i) f[udp + udp_len + i] = static_cast<uint8_t>(0xA5 + i);
  return f;
}

std::vector<uint8_t> build_vxlan_frame_of_size(const VxlanFrameSpec& spec, size_t frame_len,
                                               uint32_t seed) {
  const size_t overhead = outer_overhead(spec) + spec.trailer;
  if (frame_len < overhead + 14) throw std::invalid_argument("frame too small for its headers");
  return build_vxlan_frame(spec, make_inner_frame(frame_len - overhead, seed));
}

}  // namespace vxsn::sim
