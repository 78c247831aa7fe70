// vxsn-xclbin: writes the xclbin that describes the vxsn datapath kernel (metadata only, no
// bitstream; see driver/xrt/xclbin_writer.hpp). The build runs it so the XRT backend's tests
// and `vxsnd --datapath xrt` under the noop shim have an xclbin matching this source tree.
#include <cstdio>
#include <exception>

#include "driver/xrt/datapath_xclbin.hpp"
#include "driver/xrt/xclbin_writer.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <output.xclbin>\n", argv[0]);
    return 2;
  }
  try {
    vxsn::xclbin::write_xclbin(vxsn::xrtcard::datapath_xclbin_spec(), argv[1]);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "vxsn-xclbin: %s\n", e.what());
    return 1;
  }
  return 0;
}
