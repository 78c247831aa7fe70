#include "tests/csim/copy_checker.hpp"

#include <algorithm>
#include <span>

#include "sim/tools/vxlan_frame_builder.hpp"

namespace vxsn::csim {
namespace {

uint16_t be16(const std::vector<uint8_t>& f, size_t at) {
  return static_cast<uint16_t>((f[at] << 8) | f[at + 1]);
}

struct Layout {
  bool tagged = false;
  size_t ip = 0;
  bool v6 = false;
  size_t udp = 0;
};

Layout layout_of(const std::vector<uint8_t>& f) {
  Layout l;
  l.tagged = be16(f, 12) == 0x8100;
  l.ip = l.tagged ? 18 : 14;
  l.v6 = be16(f, l.ip - 2) == 0x86DD;
  l.udp = l.ip + (l.v6 ? 40 : 20);
  return l;
}

}  // namespace

std::string check_copy(const std::vector<uint8_t>& ingress, const std::vector<uint8_t>& copy,
                       uint8_t ttl, uint16_t vxlan_port) {
  const Layout in = layout_of(ingress);
  const uint16_t udp_len = be16(ingress, in.udp + 4);
  if (copy.size() < 18) return "copy shorter than an Ethernet header";
  const Layout out = layout_of(copy);
  if (copy.size() < out.udp + 8) return "copy shorter than its headers";
  if (out.tagged != in.tagged) return "802.1Q tag not kept";
  if (in.tagged && be16(copy, 14) != be16(ingress, 14)) return "VLAN TCI changed";
  if (copy.size() != out.udp + udp_len) return "length is not headers + UDP length";
  if (out.v6) {
    if (copy[out.ip] != 0x60 || be16(copy, out.ip + 2) != 0) return "IPv6 class/flow not zero";
    if (be16(copy, out.ip + 4) != udp_len) return "IPv6 payload length";
    if (copy[out.ip + 6] != 17) return "IPv6 next header";
    if (copy[out.ip + 7] != ttl) return "hop limit";
    const uint32_t pseudo = sim::ones_sum(std::span(copy).subspan(out.ip + 8, 32)) + udp_len + 17;
    const uint32_t sum = sim::ones_sum(std::span(copy).subspan(out.udp, udp_len), pseudo);
    if (sim::ones_finish(sum) != 0) return "IPv6 UDP checksum does not verify";
    if (be16(copy, out.udp + 6) == 0) return "IPv6 UDP checksum zero";
  } else {
    if (copy[out.ip] != 0x45 || copy[out.ip + 1] != 0) return "IPv4 version/IHL/TOS";
    if (be16(copy, out.ip + 2) != 20 + udp_len) return "IPv4 total length";
    if (be16(copy, out.ip + 6) != 0x4000) return "IPv4 DF / fragment";
    if (copy[out.ip + 8] != ttl) return "TTL";
    if (copy[out.ip + 9] != 17) return "IPv4 protocol";
    if (sim::ones_finish(sim::ones_sum(std::span(copy).subspan(out.ip, 20))) != 0)
      return "IPv4 header checksum does not verify";
    if (be16(copy, out.udp + 6) != 0) return "IPv4 UDP checksum not zero";
  }
  if (be16(copy, out.udp) != be16(ingress, in.udp)) return "UDP source port not kept";
  if (be16(copy, out.udp + 2) != vxlan_port) return "UDP destination port";
  if (be16(copy, out.udp + 4) != udp_len) return "UDP length";
  if (!std::equal(copy.begin() + out.udp + 8, copy.end(), ingress.begin() + in.udp + 8))
    return "payload differs from the ingress VXLAN header + inner frame";
  return "";
}

}  // namespace vxsn::csim
