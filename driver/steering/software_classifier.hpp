// The steering rule the datapath's traffic is selected by, enforced in software for ports
// whose PMD cannot do it (AF_PACKET, pcap, ring; on AF_XDP the XDP program already did):
// Ethernet [one 802.1Q tag] / IPv4 or IPv6 / UDP to the VXLAN port. Everything else (ARP,
// ND, SSH, BGP, the registration port...) is the host kernel's, and on those PMDs the
// kernel already has its own copy, so the datapath just lets it go.
//
// The match is deliberately loose (no length, checksum or address checks): a malformed
// VXLAN frame must still reach the parser, to be counted under its drop reason.
#pragma once

#include <cstdint>
#include <span>

namespace vxsn {

struct SteeringRule {
  uint16_t vxlan_port = 4789;
};

bool steer_to_datapath(std::span<const uint8_t> frame, const SteeringRule& rule);

}  // namespace vxsn
