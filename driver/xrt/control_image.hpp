// The `ctrl` kernel argument (hls/control_regs.hpp ControlRegs) as the bytes the host
// writes into the s_axilite register file. The C struct's own layout is the compiler's
// business; this image is the contract between the driver and the register map the xclbin
// declares (driver/xrt/datapath_xclbin.hpp):
//
//   byte 0        enable (0/1)
//   byte 1        table_bank (0/1)
//   bytes 2..3    vxlan_port, little-endian
//   byte 4        service_addr_count
//   bytes 5..12   service_family[8] (4 or 6; 0 unused)
//   byte 13       counter_snapshot (request number, hls/counters.hpp)
//   byte 14       steer_rule_count (0: no punting)
//   byte 15       zero
//   bytes 16+16i  service_addr[i], network order, IPv4 in the first 4 bytes
//   bytes 144..151 now_ns, little-endian (the storm policers' clock)
//   bytes 152+8i  steer_rules[i]: l3, flags, ip_proto, action, src_port (LE), dst_port (LE)
//   bytes 408..411 inject_producer, little-endian (the inject ring's producer index)
#pragma once

#include <array>
#include <cstdint>

#include "hls/control_regs.hpp"

namespace vxsn::xrtcard {

inline constexpr unsigned kCtrlEnable = 0;
inline constexpr unsigned kCtrlTableBank = 1;
inline constexpr unsigned kCtrlVxlanPort = 2;
inline constexpr unsigned kCtrlServiceCount = 4;
inline constexpr unsigned kCtrlServiceFamily = 5;
inline constexpr unsigned kCtrlCounterSnapshot = 13;
inline constexpr unsigned kCtrlSteerRuleCount = 14;
inline constexpr unsigned kCtrlServiceAddr = 16;
inline constexpr unsigned kCtrlNowNs = kCtrlServiceAddr + 16 * hw::kMaxServiceAddrs;
inline constexpr unsigned kCtrlSteerRules = kCtrlNowNs + 8;
inline constexpr unsigned kSteerRuleBytes = 8;
inline constexpr unsigned kCtrlInjectProducer =
    kCtrlSteerRules + kSteerRuleBytes * hw::kMaxSteerRules;
inline constexpr unsigned kControlImageBytes = kCtrlInjectProducer + 4;
static_assert(kCtrlServiceFamily + hw::kMaxServiceAddrs <= kCtrlCounterSnapshot &&
              kCtrlCounterSnapshot < kCtrlServiceAddr);
static_assert(kControlImageBytes == 412);

using ControlImage = std::array<uint8_t, kControlImageBytes>;

// The register bytes of `regs` (built and checked by encode_control() in
// driver/card/card_memory.hpp, which every backend shares).
ControlImage control_image(const hw::ControlRegs& regs);

}  // namespace vxsn::xrtcard
