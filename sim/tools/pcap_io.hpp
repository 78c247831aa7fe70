// Reads and writes classic pcap files (Ethernet link type) with libpcap, so every corpus
// can be opened in Wireshark/tcpdump and corpora made by other tools (scapy) can be fed in.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vxsn::sim {

using Frame = std::vector<uint8_t>;

// Throws std::runtime_error with libpcap's message on failure.
void write_pcap(const std::string& path, const std::vector<Frame>& frames);
std::vector<Frame> read_pcap(const std::string& path);

}  // namespace vxsn::sim
