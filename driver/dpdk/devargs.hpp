// EAL device strings ("net_af_xdp0,iface=sn0,...") as the operator writes them, and the
// defaults vxsn adds before probing. Pure string work, no EAL: unit-testable on its own.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vxsn {

// The PMDs whose setup differs. Everything else (PCI, net_ring, ...) is kOther or kRing.
enum class PortKind { kAfXdp, kAfPacket, kRing, kPcap, kOther };

// "net_af_xdp0,iface=sn0" -> "net_af_xdp0": the vdev/device name, also the ethdev name.
std::string devargs_device_name(std::string_view devargs);
PortKind devargs_kind(std::string_view devargs);
// The value of `key=` in the argument list, if present.
std::optional<std::string> devargs_value(std::string_view devargs, std::string_view key);
// Appends ",key=value" unless the key is already there (the operator's choice wins).
std::string devargs_with_default(std::string devargs, std::string_view key, std::string_view value);

// AF_PACKET ring geometry that carries jumbo frames whole (found by trying: the default
// 2048-byte frames silently truncate).
inline constexpr uint32_t kAfPacketJumboFrameSize = 16384;
inline constexpr uint32_t kAfPacketJumboFrameCount = 256;
inline constexpr uint32_t kAfPacketDefaultFrameSize = 2048;  // the PMD's own default
// Bytes of a TPACKET_V2 ring frame in front of the MAC header on receive:
// TPACKET_ALIGN(tpacket2_hdr + sockaddr_ll + 16) - ETH_HLEN = 80 - 14.
inline constexpr uint32_t kAfPacketRxFrameOverhead = 66;

// The devargs vxsn probes for a configured port: af_xdp gets our steering program and one
// queue, af_packet one queue pair and, when frames above 2048 bytes are wanted, jumbo ring
// frames. Other devices are returned unchanged.
std::string complete_devargs(std::string_view devargs, uint32_t max_frame_len,
                             std::string_view xdp_prog_path);

// The steering program's path: $VXSN_XDP_PROG if set; else, for a program run from the
// build tree, the build's output; else the installed one, lib/vxsn/vxsn_steer.bpf.o under
// the program's prefix (/usr/lib/vxsn/ for the package's /usr/sbin/vxsnd).
std::string xdp_program_path();

}  // namespace vxsn
