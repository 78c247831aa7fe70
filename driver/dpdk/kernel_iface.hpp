// The Linux interface behind an af_xdp / af_packet / pcap port, seen from the calling
// thread's network namespace.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace vxsn {

std::optional<uint32_t> kernel_iface_mtu(const std::string& ifname);

// Removes every XDP program (native, generic and offloaded) from the interface. A vxsn
// killed with SIGKILL leaves its program attached, and the af_xdp PMD then refuses to
// start ("XDP program already attached"). Returns how many programs were removed; throws
// std::runtime_error if the interface does not exist or a program cannot be removed.
int detach_xdp_programs(const std::string& ifname);

// True if any XDP program is attached in any mode.
bool xdp_program_attached(const std::string& ifname);

}  // namespace vxsn
