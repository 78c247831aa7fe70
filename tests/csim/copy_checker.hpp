// Judges one copy on its own terms, independently of the reference and of the kernels:
// the outer headers are well formed (lengths, TTL, IPv4 header checksum, IPv6 UDP checksum
// over the pseudo-header, UDP checksum 0 over IPv4), the ingress 802.1Q tag and UDP source
// port are kept, and the payload (VXLAN header + inner frame) is the ingress one, unpadded.
// A reference bug the bench could not see (both sides wrong alike) shows up here.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vxsn::csim {

// "" when the copy is right, else what is wrong.
std::string check_copy(const std::vector<uint8_t>& ingress, const std::vector<uint8_t>& copy,
                       uint8_t ttl, uint16_t vxlan_port);

}  // namespace vxsn::csim
