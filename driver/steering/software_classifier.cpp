#include "driver/steering/software_classifier.hpp"

#include "hls/vxlan_wire.hpp"

namespace vxsn {
namespace {

uint16_t be16(const uint8_t* p) {
  return static_cast<uint16_t>(p[0] << 8 | p[1]);
}

}  // namespace

bool steer_to_datapath(std::span<const uint8_t> frame, const SteeringRule& rule) {
  size_t off = wire::kEthHeaderLen;
  if (frame.size() < off) return false;
  uint16_t ether_type = be16(&frame[off - 2]);
  if (ether_type == wire::kEtherTypeVlan) {
    off += wire::kVlanTagLen;
    if (frame.size() < off) return false;
    ether_type = be16(&frame[off - 2]);
  }
  size_t udp;
  if (ether_type == wire::kEtherTypeIpv4) {
    if (frame.size() < off + wire::kIpv4HeaderLen) return false;
    const uint8_t* ip = &frame[off];
    // A non-first fragment carries no UDP header: not ours to look at.
    if (ip[9] != wire::kIpProtoUdp || (be16(ip + 6) & 0x1FFF) != 0) return false;
    udp = off + (ip[0] & 0x0F) * 4u;
  } else if (ether_type == wire::kEtherTypeIpv6) {
    if (frame.size() < off + wire::kIpv6HeaderLen) return false;
    if (frame[off + 6] != wire::kIpProtoUdp) return false;
    udp = off + wire::kIpv6HeaderLen;
  } else {
    return false;
  }
  return frame.size() >= udp + 4 && be16(&frame[udp + 2]) == rule.vxlan_port;
}

}  // namespace vxsn
