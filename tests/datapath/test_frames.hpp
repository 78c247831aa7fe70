// Test-only frame assembly: writes a VXLAN underlay frame field by field from a spec, with
// its own checksum code, so tests never use the datapath's code to make their inputs.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "driver/net_types.hpp"

namespace vxsn::test {

// Internet checksum, the plain RFC 1071 loop: one big-endian word at a time.
inline uint16_t reference_checksum(const uint8_t* p, size_t n, uint32_t initial = 0) {
  uint32_t sum = initial;
  for (size_t i = 0; i + 1 < n; i += 2) sum += (uint32_t{p[i]} << 8) | p[i + 1];
  if (n % 2) sum += uint32_t{p[n - 1]} << 8;
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

// IPv6 UDP checksum over pseudo-header + UDP header + payload; `udp` points at the UDP
// header, `udp_len` bytes long; the checksum field is included as found (0 for computing).
inline uint16_t reference_udp6_checksum(const uint8_t* src, const uint8_t* dst, const uint8_t* udp,
                                        size_t udp_len) {
  std::vector<uint8_t> buf(src, src + 16);
  buf.insert(buf.end(), dst, dst + 16);
  const uint8_t len_and_nh[8] = {
      0, 0, static_cast<uint8_t>(udp_len >> 8), static_cast<uint8_t>(udp_len), 0, 0, 0, 17};
  buf.insert(buf.end(), len_and_nh, len_and_nh + 8);
  buf.insert(buf.end(), udp, udp + udp_len);
  return reference_checksum(buf.data(), buf.size());
}

inline IpAddr ip(const char* text) {
  return *IpAddr::parse(text);
}
inline MacAddr mac(const char* text) {
  return *MacAddr::parse(text);
}

struct FrameSpec {
  std::array<uint8_t, 6> dst_mac{0x02, 0, 0, 0, 0, 0xfe};
  std::array<uint8_t, 6> src_mac{0x02, 0, 0, 0, 0, 0x01};
  std::optional<uint16_t> vlan_tci;
  std::optional<uint16_t> ether_type;  // default from the source address family
  IpAddr src = ip("10.0.0.1");
  IpAddr dst = ip("10.0.0.254");
  // IPv4 fields
  uint8_t version_ihl = 0x45;  // IHL > 5 appends zero option bytes
  uint16_t flags_frag = 0;
  uint8_t ttl = 64;                   // hop limit for IPv6
  uint8_t protocol = 17;              // next header for IPv6
  std::optional<uint16_t> ip_length;  // IPv4 total length / IPv6 payload length override
  bool corrupt_ip_checksum = false;
  uint8_t ipv6_version_byte = 0x60;
  // UDP
  uint16_t udp_src = 40015;
  uint16_t udp_dst = 4789;
  std::optional<uint16_t> udp_length;
  // VXLAN
  uint8_t vxlan_flags = 0x08;
  std::array<uint8_t, 3> vxlan_reserved1{};  // bytes 1..3
  uint32_t vni = 100;
  uint8_t vxlan_reserved2 = 0;  // byte 7
  std::vector<uint8_t> inner = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x52, 0x54, 0x00, 0x00,
                                0x00, 0x01, 0x08, 0x06, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06};
  size_t trailing = 0;           // bytes after the IP datagram (Ethernet padding)
  std::optional<size_t> cut_to;  // truncate the finished frame
};

class ByteWriter {
 public:
  void u8(uint8_t v) { bytes_.push_back(v); }
  void u16(uint16_t v) {
    u8(static_cast<uint8_t>(v >> 8));
    u8(static_cast<uint8_t>(v));
  }
  void raw(const uint8_t* p, size_t n) { bytes_.insert(bytes_.end(), p, p + n); }
  void zeros(size_t n) { bytes_.insert(bytes_.end(), n, 0); }
  void set16(size_t at, uint16_t v) {
    bytes_[at] = static_cast<uint8_t>(v >> 8);
    bytes_[at + 1] = static_cast<uint8_t>(v);
  }
  size_t size() const { return bytes_.size(); }
  std::vector<uint8_t>& bytes() { return bytes_; }

 private:
  std::vector<uint8_t> bytes_;
};

inline std::vector<uint8_t> build_frame(const FrameSpec& s) {
  ByteWriter w;
  w.raw(s.dst_mac.data(), 6);
  w.raw(s.src_mac.data(), 6);
  if (s.vlan_tci) {
    w.u16(0x8100);
    w.u16(*s.vlan_tci);
  }
  w.u16(s.ether_type.value_or(s.src.is_v6() ? 0x86DD : 0x0800));

  const size_t udp_len_real = 8 + 8 + s.inner.size();
  const size_t ip_start = w.size();
  if (s.src.is_v4()) {
    const size_t header_len = size_t{s.version_ihl & 0x0Fu} * 4;
    w.u8(s.version_ihl);
    w.u8(0);
    w.u16(s.ip_length.value_or(static_cast<uint16_t>(header_len + udp_len_real)));
    w.u16(0x1234);  // identification
    w.u16(s.flags_frag);
    w.u8(s.ttl);
    w.u8(s.protocol);
    w.u16(0);
    w.raw(s.src.bytes.data(), 4);
    w.raw(s.dst.bytes.data(), 4);
    if (header_len > 20) w.zeros(header_len - 20);
    uint16_t check = reference_checksum(w.bytes().data() + ip_start, header_len);
    if (s.corrupt_ip_checksum) check ^= 0x0101;
    w.set16(ip_start + 10, check);
  } else {
    w.u8(s.ipv6_version_byte);
    w.u8(0);
    w.u16(0);
    w.u16(s.ip_length.value_or(static_cast<uint16_t>(udp_len_real)));
    w.u8(s.protocol);
    w.u8(s.ttl);
    w.raw(s.src.bytes.data(), 16);
    w.raw(s.dst.bytes.data(), 16);
  }
  w.u16(s.udp_src);
  w.u16(s.udp_dst);
  w.u16(s.udp_length.value_or(static_cast<uint16_t>(udp_len_real)));
  w.u16(0);  // senders over IPv4 send no UDP checksum; the parser ignores it either way
  w.u8(s.vxlan_flags);
  w.raw(s.vxlan_reserved1.data(), 3);
  w.u8(static_cast<uint8_t>(s.vni >> 16));
  w.u8(static_cast<uint8_t>(s.vni >> 8));
  w.u8(static_cast<uint8_t>(s.vni));
  w.u8(s.vxlan_reserved2);
  w.raw(s.inner.data(), s.inner.size());
  for (size_t i = 0; i < s.trailing; ++i) w.u8(0xEE);
  std::vector<uint8_t> out = std::move(w.bytes());
  if (s.cut_to) out.resize(*s.cut_to);
  return out;
}

inline std::vector<uint8_t> inner_of_len(size_t n) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(i * 7 + 3);
  return v;
}

}  // namespace vxsn::test
