// A small xclbin writer: an `axlf` header, its section headers and the sections XRT reads to
// find a kernel (EMBEDDED_METADATA, MEM_TOPOLOGY, IP_LAYOUT, CONNECTIVITY) plus
// BUILD_METADATA, all laid out with the structs of XRT's own <xclbin.h>.
//
// Why our own: Debian's xclbinutil is a wrapper around a binary the package does not ship
// (it prints "No such file or directory" and exits 0), and the XRT backend's tests need an
// xclbin describing exactly the vxsn kernel so XRT checks the driver's real calls against
// it under the noop shim. No bitstream is written: the result loads on the noop shim and
// describes the kernel faithfully, but a real card needs the xclbin from a Vitis build.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace vxsn::xclbin {

// The kernel argument kinds XRT distinguishes (the XML `addressQualifier`).
enum class ArgKind : uint8_t {
  kScalar = 0,  // s_axilite register(s)
  kGlobal = 1,  // m_axi pointer: a buffer object in one memory bank
  kStream = 4,  // AXI4-Stream port, no register
};

struct MemoryBank {
  std::string tag;  // e.g. "bank0"; at most 15 characters
  uint64_t base_address = 0;
  uint64_t size_bytes = 0;  // stored in KiB as xclbin.h demands; a multiple of 1024
};

// One kernel port (the XML <port>): the s_axilite slave, an m_axi master, or a stream.
struct KernelPort {
  enum class Mode : uint8_t { kSlave, kMaster, kStreamIn, kStreamOut };
  std::string name;
  Mode mode = Mode::kSlave;
  uint64_t range = 0;  // slave: register file size; master: address space
  unsigned data_width_bits = 32;
};

struct KernelArg {
  std::string name;
  uint32_t id = 0;  // argument index: position in the kernel's C signature
  ArgKind kind = ArgKind::kScalar;
  std::string port;        // the KernelPort this argument travels on
  uint32_t offset = 0;     // register offset in the s_axilite file (0 for streams)
  uint32_t size = 0;       // register bytes
  uint32_t host_size = 0;  // bytes the host passes
  std::string type;        // the C type, for humans and XRT's info queries
  int memory_bank = -1;    // kGlobal: index into XclbinSpec::banks
};

struct KernelSpec {
  std::string name;           // the kernel (XRT looks kernels up by this name)
  std::string instance_name;  // its one compute unit
  uint64_t base_address = 0;  // the compute unit's s_axilite base
  std::vector<KernelPort> ports;
  std::vector<KernelArg> args;
  // How the kernel is started (the <kernel> element's attributes, IP_LAYOUT's control type).
  // The defaults are the noop xclbin's: one-shot ap_ctrl_hs runs. A Vitis build with
  // hls/vitis/hls_pre.tcl has ap_ctrl_chain, 1, "both", true.
  std::string control_protocol = "ap_ctrl_hs";  // ap_ctrl_hs, ap_ctrl_chain or ap_ctrl_none
  unsigned counted_auto_restart = 0;            // countedAutoRestart, written when not 0
  std::string mailbox;                          // mailbox direction, written when not empty
  bool sw_reset = false;                        // swReset="true", written when set
};

struct XclbinSpec {
  std::string platform_vbnv;  // vendor:board:name:version, at most 63 characters
  uint64_t timestamp = 0;     // seconds since the epoch; 0 keeps builds reproducible
  KernelSpec kernel;
  std::vector<MemoryBank> banks;
  std::string build_metadata_json;  // BUILD_METADATA section, verbatim
};

// The bytes of the xclbin file. The uuid is a hash of the content, so equal specs give
// equal files. Throws std::invalid_argument for a spec that cannot be written (a name too
// long for its field, a global argument without a bank, an argument on an unknown port, an
// unknown control protocol).
std::vector<uint8_t> build_xclbin(const XclbinSpec& spec);

// build_xclbin() written to `path` (replaced atomically). Throws std::runtime_error on I/O
// failure.
void write_xclbin(const XclbinSpec& spec, const std::filesystem::path& path);

// The EMBEDDED_METADATA XML alone (exposed for tests and diagnostics).
std::string kernel_metadata_xml(const XclbinSpec& spec);

}  // namespace vxsn::xclbin
