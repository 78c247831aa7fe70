// Structural checks of an xclbin file before it goes anywhere near XRT: XRT trusts the
// header's offsets, so a truncated or foreign file would make it read past the buffer. The
// XRT backend reads the file with this, checks it, then hands the same bytes to XRT. Also
// the kernel's control protocol, which decides how the backend drives the kernel and which
// XRT acts on only once a device is open (too late to refuse a wrong xclbin cleanly).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace vxsn::xclbin {

struct Section {
  uint32_t kind = 0;  // axlf_section_kind
  std::string name;
  uint64_t offset = 0;
  std::span<const uint8_t> data;  // inside the file bytes given to read_sections()
};

// The file's sections in header order. Throws std::invalid_argument with the reason when
// the file is not a well-formed xclbin: shorter than its header, wrong magic ("xclbin2"),
// a length field that disagrees with the file, or a section outside the file.
std::vector<Section> read_sections(std::span<const uint8_t> file);

// The first section of `kind`, if any.
std::optional<Section> find_section(const std::vector<Section>& sections, uint32_t kind);

// How a kernel is started and controlled, as the EMBEDDED_METADATA <kernel> element
// declares it (the attributes XRT reads into its kernel properties). A Vitis build with
// hls/vitis/hls_pre.tcl declares ap_ctrl_chain with countedAutoRestart="1", mailbox="both"
// and swReset="true"; vxsn-xclbin's noop xclbin declares ap_ctrl_hs and none of the others.
struct KernelControl {
  std::string protocol;       // hwControlProtocol: "ap_ctrl_hs", "ap_ctrl_chain", ...; "" absent
  bool auto_restart = false;  // countedAutoRestart other than 0: it has an auto-restart counter
  // mailbox "in", "inout", "both" or "true": the host can write arguments while it runs. An
  // "out" mailbox only lets the host read them back, so it counts as none here.
  bool mailbox = false;
  bool sw_reset = false;  // swReset="true": it can be stopped with a software reset
};

// The control protocol of the kernel named `kernel_name`. Throws std::invalid_argument with
// the reason when there is no EMBEDDED_METADATA, it is not XML, it has no such kernel, or an
// attribute has a value XRT itself would refuse (countedAutoRestart not a number, an unknown
// mailbox direction).
KernelControl read_kernel_control(const std::vector<Section>& sections,
                                  const std::string& kernel_name);

// The whole file. Throws std::runtime_error when it cannot be read.
std::vector<uint8_t> read_file(const std::filesystem::path& path);

}  // namespace vxsn::xclbin
