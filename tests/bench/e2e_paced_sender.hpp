// A VTEP's side of the end-to-end benchmark: the same VXLAN datagram sent from a UDP socket
// inside the VTEP's namespace to the service address at a fixed offered rate, so every
// replicator is given exactly the same frames at the same pace.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vxsn::test {

struct PacedSend {
  std::string netns;              // the VTEP's namespace (a thread enters it; the process stays)
  std::string source;             // the VTEP's underlay address
  std::string service;            // the replicator's address, UDP 4789
  std::vector<uint8_t> datagram;  // VXLAN header + inner frame
  double rate = 0;                // datagrams per second offered
  double seconds = 0;
  int cpu = -1;  // the sending thread's CPU; -1: wherever the kernel puts it
};

struct PacedResult {
  uint64_t sent = 0;  // datagrams the kernel accepted
  double seconds = 0;
};

PacedResult send_paced(const PacedSend& job);

// A VXLAN datagram for `vni` (I flag) carrying a broadcast inner frame of `inner_len` bytes.
std::vector<uint8_t> vxlan_datagram(uint32_t vni, size_t inner_len);

}  // namespace vxsn::test
