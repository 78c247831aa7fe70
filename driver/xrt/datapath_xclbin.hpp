// The vxsn datapath kernel (hls/datapath_top.hpp) as an xclbin describes it: argument
// indices, s_axilite register offsets, memory banks, and the BUILD_METADATA the driver
// checks before it trusts an xclbin. One definition used by the xclbin writer tool, the
// XRT backend and its tests, so all three agree by construction.
//
//   id  argument     interface                          register  memory bank
//   0   rx           axis (512-bit data, keep, last)    -         -
//   1   tx           axis                               -         -
//   2   table_mem    m_axi gmem_lookup (both banks)     0x10      0 "table"
//   3   member_mem   m_axi gmem_members (the same)      0x1C      0 "table"
//   4   learn_ring   m_axi gmem_learn                   0x28      1 "state"
//   5   counters     m_axi gmem_ctr                     0x34      1 "state"
//   6   ctrl         s_axilite, kControlImageBytes      0x40      -
//   7   command      s_axilite, 32-bit (hw::kCmd*)      0x1E0     -
//   8   punt_ring    m_axi gmem_punt                    0x1E8     1 "state"
//   9   inject_ring  m_axi gmem_inject                  0x1F4     1 "state"
// table_mem and member_mem are one buffer bound to two arguments: the VNI lookup and the
// member records each read it through their own m_axi port.
// Offsets follow Vitis' packing: 0x00..0x0F ap_ctrl/interrupt registers, each argument
// followed by one reserved word. The layout of `ctrl` is driver/xrt/control_image.hpp.
#pragma once

#include <cstdint>
#include <string>

#include "driver/xrt/xclbin_writer.hpp"

namespace vxsn::xrtcard {

inline constexpr const char* kKernelName = "vxsn_datapath";
inline constexpr const char* kInstanceName = "vxsn_datapath_1";
inline constexpr uint64_t kKernelBaseAddress = 0x1800000;

inline constexpr int kArgRx = 0;
inline constexpr int kArgTx = 1;
inline constexpr int kArgTableMem = 2;
inline constexpr int kArgMemberMem = 3;
inline constexpr int kArgLearnRing = 4;
inline constexpr int kArgCounters = 5;
inline constexpr int kArgCtrl = 6;
inline constexpr int kArgCommand = 7;
inline constexpr int kArgPuntRing = 8;
inline constexpr int kArgInjectRing = 9;
inline constexpr int kArgCount = 10;

inline constexpr uint32_t kRegTableMem = 0x10;
inline constexpr uint32_t kRegMemberMem = 0x1C;
inline constexpr uint32_t kRegLearnRing = 0x28;
inline constexpr uint32_t kRegCounters = 0x34;
inline constexpr uint32_t kRegCtrl = 0x40;
inline constexpr uint32_t kRegCommand = 0x1E0;
inline constexpr uint32_t kRegPuntRing = 0x1E8;
inline constexpr uint32_t kRegInjectRing = 0x1F4;
inline constexpr uint64_t kControlRegisterRange = 0x1000;

inline constexpr int kBankTable = 0;  // MEM_TOPOLOGY index of the table memory
inline constexpr int kBankState = 1;  // learn ring, counters, punt and inject rings

// BUILD_METADATA keys under "vxsn" the driver checks (a kernel built against another
// table layout would misread every table the host writes).
inline constexpr const char* kMetaKernel = "kernel";
inline constexpr const char* kMetaLayoutVersion = "table_layout_version";
inline constexpr const char* kMetaTableMemoryBytes = "table_memory_bytes";
inline constexpr const char* kMetaLearnRingBytes = "learn_ring_bytes";
inline constexpr const char* kMetaCounterWords = "counter_words";
inline constexpr const char* kMetaPuntRingBytes = "punt_ring_bytes";
inline constexpr const char* kMetaInjectRingBytes = "inject_ring_bytes";

// The xclbin description of the kernel this source tree builds, as vxsn-xclbin writes it
// for the noop shim: the writer's default control protocol (ap_ctrl_hs, one-shot runs).
xclbin::XclbinSpec datapath_xclbin_spec();

// The control protocol hls/vitis/hls_pre.tcl gives the kernel in a Vitis build
// (ap_ctrl_chain, an auto-restart counter, a mailbox both ways, software reset): what makes
// XrtCard run it free. Not for the noop shim, which cannot open such a kernel.
void set_vitis_control_protocol(xclbin::KernelSpec& kernel);

// BUILD_METADATA JSON for a kernel built against `layout_version` (tests pass another
// version to check the driver refuses it).
std::string datapath_build_metadata(uint16_t layout_version);

}  // namespace vxsn::xrtcard
