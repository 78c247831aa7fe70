// Points this process's XRT at a shim library of the XRT install, chosen at run time:
//   kNoop      libxrt_noop: every XRT host call works (device open, xclbin load, kernel and
//              argument checks, buffer allocation, sync) but no kernel runs. Tests and CI.
//   kHardware  libxrt_core: real cards only (XCL_EMULATION_MODE unset).
//
// XRT loads `$XILINX_XRT/lib/lib<shim>.so.2`, but Debian installs the shims under
// /usr/lib/x86_64-linux-gnu, so XILINX_XRT=/usr does not work: this makes a private
// directory whose lib/ holds symlinks to the installed shims and points XILINX_XRT at it.
// XRT reads the variables once, at its first device access, so construct this before any
// XRT call and keep it alive while XRT is used (one per process).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace vxsn::xrtcard {

inline constexpr const char* kDebianXrtLibDir = "/usr/lib/x86_64-linux-gnu";

enum class XrtShim : uint8_t { kNoop, kHardware };

class XrtShimEnvironment {
 public:
  // Throws std::runtime_error when `xrt_lib_dir` lacks the shim library.
  explicit XrtShimEnvironment(XrtShim shim = XrtShim::kNoop,
                              const std::filesystem::path& xrt_lib_dir = kDebianXrtLibDir);
  // Restores the two variables and removes the directory.
  ~XrtShimEnvironment();
  XrtShimEnvironment(const XrtShimEnvironment&) = delete;
  XrtShimEnvironment& operator=(const XrtShimEnvironment&) = delete;

  const std::filesystem::path& xilinx_xrt() const { return root_; }

 private:
  std::filesystem::path root_;
  std::optional<std::string> saved_xilinx_xrt_;
  std::optional<std::string> saved_emulation_mode_;
};

}  // namespace vxsn::xrtcard
