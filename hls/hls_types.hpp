// The HLS types the kernels use, from Vitis when it is there, else from hls/compat/.
// CMake defines VXSN_USE_VITIS_HEADERS when -DVXSN_VITIS_INCLUDE=<path to Vitis include>
// is given. Kernels use only the API both provide: range()/operator()(hi, lo), operator[],
// shifts, bitwise operators, to_uint64()/to_uint(), and hls::stream read/write/empty/full.
#pragma once

#include <cstdint>

#if defined(VXSN_USE_VITIS_HEADERS)
#include <ap_axi_sdata.h>
#include <ap_int.h>
#include <hls_stream.h>
#else
#include "hls/compat/ap_axi_sdata.hpp"
#include "hls/compat/ap_int.hpp"
#include "hls/compat/hls_stream.hpp"
#endif

namespace vxsn::hw {

inline constexpr unsigned kBeatBytes = 64;  // 512-bit AXI4-Stream, 100 GbE at ~322 MHz
inline constexpr unsigned kBeatBits = 8 * kBeatBytes;

using Word512 = ap_uint<kBeatBits>;
// One beat of a frame: byte 0 of the frame is bits 7..0 of beat 0 (CMAC/OpenNIC order);
// keep marks valid bytes (all ones except possibly on the last beat, contiguous from 0).
// TDEST carries the egress port of a copy (on receive it is ignored).
using AxisBeat = ap_axiu<kBeatBits, 0, 0, 16>;
// An IPv4 or IPv6 address in network byte order, byte i at bits 8i+7..8i (IPv4 in bytes 0..3,
// the rest zero) - the lane order of the frame itself, so it compares with frame bytes as is.
using IpBits = ap_uint<128>;

}  // namespace vxsn::hw
