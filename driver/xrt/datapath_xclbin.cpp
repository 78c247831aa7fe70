#include "driver/xrt/datapath_xclbin.hpp"

#include <nlohmann/json.hpp>

#include "driver/xrt/control_image.hpp"
#include "hls/counter_layout.hpp"
#include "hls/inject_ring_layout.hpp"
#include "hls/learn_ring_layout.hpp"
#include "hls/punt_ring_layout.hpp"
#include "hls/table_layout.hpp"

namespace vxsn::xrtcard {

// Vitis packs s_axilite arguments one after another, each followed by a reserved word.
static_assert(kRegCommand == kRegCtrl + kControlImageBytes + 4, "command follows ctrl");
static_assert(kRegPuntRing == kRegCommand + 8, "punt_ring follows command");
static_assert(kRegInjectRing == kRegPuntRing + 12, "inject_ring follows punt_ring");

std::string datapath_build_metadata(uint16_t layout_version) {
  nlohmann::json meta;
  meta["build_metadata"]["xclbin"]["generated_by"] = {{"name", "vxsn-xclbin"}, {"version", "1"}};
  meta["build_metadata"]["xclbin"]["packaged_by"] = {{"name", "vxsn-xclbin"}, {"version", "1"}};
  meta["build_metadata"]["vxsn"] = {
      {kMetaKernel, kKernelName},
      {kMetaLayoutVersion, layout_version},
      {kMetaTableMemoryBytes, card::kTableMemoryBytes},
      {kMetaLearnRingBytes, card::kLearnRingBytes},
      {kMetaCounterWords, card::kCounterWords},
      {kMetaPuntRingBytes, card::kPuntRingBytes},
      {kMetaInjectRingBytes, card::kInjectRingBytes},
  };
  return meta.dump(2);
}

xclbin::XclbinSpec datapath_xclbin_spec() {
  using xclbin::ArgKind;
  using Mode = xclbin::KernelPort::Mode;
  constexpr uint64_t kGiB = 1ull << 30;

  xclbin::XclbinSpec spec;
  spec.platform_vbnv = "vxsn:noop:datapath:1.0";
  spec.banks = {
      {"table", 0x0, 4 * kGiB},
      {"state", 0x400000000ull, 4 * kGiB},
  };
  spec.build_metadata_json = datapath_build_metadata(card::kLayoutVersion);

  xclbin::KernelSpec& k = spec.kernel;
  k.name = kKernelName;
  k.instance_name = kInstanceName;
  k.base_address = kKernelBaseAddress;
  k.ports = {
      {"s_axi_control", Mode::kSlave, kControlRegisterRange, 32},
      {"m_axi_gmem_lookup", Mode::kMaster, ~0ull, 512},
      {"m_axi_gmem_members", Mode::kMaster, ~0ull, 512},
      {"m_axi_gmem_learn", Mode::kMaster, ~0ull, 512},
      {"m_axi_gmem_ctr", Mode::kMaster, ~0ull, 64},
      {"m_axi_gmem_punt", Mode::kMaster, ~0ull, 512},
      {"m_axi_gmem_inject", Mode::kMaster, ~0ull, 512},
      {"rx", Mode::kStreamIn, 0, 512},
      {"tx", Mode::kStreamOut, 0, 512},
  };
  k.args = {
      {"rx", kArgRx, ArgKind::kStream, "rx", 0, 0, 64, "stream<ap_axiu<512,0,0,0>>&", -1},
      {"tx", kArgTx, ArgKind::kStream, "tx", 0, 0, 64, "stream<ap_axiu<512,0,0,0>>&", -1},
      {"table_mem", kArgTableMem, ArgKind::kGlobal, "m_axi_gmem_lookup", kRegTableMem, 8, 8,
       "Word512 const*", kBankTable},
      {"member_mem", kArgMemberMem, ArgKind::kGlobal, "m_axi_gmem_members", kRegMemberMem, 8, 8,
       "Word512 const*", kBankTable},
      {"learn_ring", kArgLearnRing, ArgKind::kGlobal, "m_axi_gmem_learn", kRegLearnRing, 8, 8,
       "Word512*", kBankState},
      {"counters", kArgCounters, ArgKind::kGlobal, "m_axi_gmem_ctr", kRegCounters, 8, 8,
       "unsigned long*", kBankState},
      {"ctrl", kArgCtrl, ArgKind::kScalar, "s_axi_control", kRegCtrl, kControlImageBytes,
       kControlImageBytes, "ControlRegs const&", -1},
      {"command", kArgCommand, ArgKind::kScalar, "s_axi_control", kRegCommand, 4, 4, "unsigned int",
       -1},
      {"punt_ring", kArgPuntRing, ArgKind::kGlobal, "m_axi_gmem_punt", kRegPuntRing, 8, 8,
       "Word512*", kBankState},
      {"inject_ring", kArgInjectRing, ArgKind::kGlobal, "m_axi_gmem_inject", kRegInjectRing, 8, 8,
       "Word512*", kBankState},
  };
  return spec;
}

void set_vitis_control_protocol(xclbin::KernelSpec& kernel) {
  kernel.control_protocol = "ap_ctrl_chain";
  kernel.counted_auto_restart = 1;  // config_interface -s_axilite_auto_restart_counter 1
  kernel.mailbox = "both";          // config_interface -s_axilite_mailbox both
  kernel.sw_reset = true;           // config_interface -s_axilite_sw_reset
}

}  // namespace vxsn::xrtcard
