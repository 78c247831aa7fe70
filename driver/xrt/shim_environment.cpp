#include "driver/xrt/shim_environment.hpp"

#include <stdlib.h>

#include <stdexcept>
#include <system_error>
#include <vector>

namespace vxsn::xrtcard {
namespace {

std::optional<std::string> getenv_opt(const char* name) {
  const char* value = ::getenv(name);
  return value ? std::optional<std::string>(value) : std::nullopt;
}

void restore_env(const char* name, const std::optional<std::string>& value) {
  if (value) {
    ::setenv(name, value->c_str(), 1);
  } else {
    ::unsetenv(name);
  }
}

}  // namespace

XrtShimEnvironment::XrtShimEnvironment(XrtShim shim, const std::filesystem::path& xrt_lib_dir) {
  namespace fs = std::filesystem;
  const char* library = shim == XrtShim::kNoop ? "libxrt_noop.so.2" : "libxrt_core.so.2";
  if (!fs::exists(xrt_lib_dir / library)) {
    throw std::runtime_error(std::string("xrt shim: no ") + library + " in " +
                             xrt_lib_dir.string() + " (install libxrt1)");
  }
  std::string pattern = (fs::temp_directory_path() / "vxsn-xrt-XXXXXX").string();
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (::mkdtemp(buffer.data()) == nullptr) {
    throw std::runtime_error("xrt shim: cannot create " + pattern);
  }
  root_ = buffer.data();
  fs::create_directory(root_ / "lib");
  // Every XRT library, not only the shim: the directory then stands in for a whole XRT
  // install tree, whatever else XRT looks up beside the shim.
  for (const fs::directory_entry& entry : fs::directory_iterator(xrt_lib_dir)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with("libxrt") && name.ends_with(".so.2")) {
      fs::create_symlink(entry.path(), root_ / "lib" / name);
    }
  }
  saved_xilinx_xrt_ = getenv_opt("XILINX_XRT");
  saved_emulation_mode_ = getenv_opt("XCL_EMULATION_MODE");
  ::setenv("XILINX_XRT", root_.c_str(), 1);
  if (shim == XrtShim::kNoop) {
    ::setenv("XCL_EMULATION_MODE", "noop", 1);
  } else {
    ::unsetenv("XCL_EMULATION_MODE");
  }
}

XrtShimEnvironment::~XrtShimEnvironment() {
  restore_env("XILINX_XRT", saved_xilinx_xrt_);
  restore_env("XCL_EMULATION_MODE", saved_emulation_mode_);
  std::error_code ignored;  // a leftover temp directory is not worth terminating over
  std::filesystem::remove_all(root_, ignored);
}

}  // namespace vxsn::xrtcard
