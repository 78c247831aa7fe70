// XrtCard when XRT finds no card: the hardware shim (libxrt_core), no emulation mode. XRT
// picks its shim once per process, hence this separate test program. Opening device 999
// fails with kNoDevice, so an xclbin refused here with kBadXclbin was refused before the
// device was touched.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "driver/xrt/datapath_xclbin.hpp"
#include "driver/xrt/shim_environment.hpp"
#include "driver/xrt/xrt_card.hpp"
#include "xrt_test_support.hpp"

namespace vxsn {
namespace {

class HardwareShim : public ::testing::Environment {
 public:
  void SetUp() override {
    env_ = std::make_unique<xrtcard::XrtShimEnvironment>(xrtcard::XrtShim::kHardware);
  }
  void TearDown() override { env_.reset(); }

 private:
  std::unique_ptr<xrtcard::XrtShimEnvironment> env_;
};
[[maybe_unused]] ::testing::Environment* const kHardwareShim =
    ::testing::AddGlobalTestEnvironment(new HardwareShim);

TEST(XrtCardNoDevice, OpeningADeviceThatIsNotThereIsNoDevice) {
  XrtCardOptions options;
  options.xclbin = VXSN_XCLBIN_PATH;
  options.device_index = 999;  // absent even on a machine that has cards
  try {
    XrtCard card(options);
    FAIL() << "opened device 999";
  } catch (const CardError& e) {
    EXPECT_EQ(e.kind(), CardError::Kind::kNoDevice) << e.what();
    EXPECT_NE(std::string(e.what()).find("no XRT device 999"), std::string::npos) << e.what();
  }
}

// Opening `spec` on device 999 must fail with kBadXclbin; returns the message.
std::string refused_before_the_device(const xclbin::XclbinSpec& spec) {
  xrt_test::TempDir dir;
  XrtCardOptions options;
  options.xclbin = xrt_test::write_variant(dir, "variant.xclbin", spec);
  options.device_index = 999;
  try {
    XrtCard card(options);
    ADD_FAILURE() << "opened device 999";
  } catch (const CardError& e) {
    EXPECT_EQ(e.kind(), CardError::Kind::kBadXclbin) << e.what();
    return e.what();
  }
  return {};
}

// Free-running needs both the auto-restart counter (to start the kernel free) and a mailbox
// (to change its registers while it runs). A free-running xclbin that is accepted is not
// opened in any test: no board here, and under the noop shim XRT terminates the process
// when it opens such a kernel (an exclusive compute unit whose registers the shim cannot
// read).
TEST(XrtCardNoDevice, AutoRestartWithoutAMailboxIsRefusedBeforeTheDevice) {
  xclbin::XclbinSpec spec = xrtcard::datapath_xclbin_spec();
  xrtcard::set_vitis_control_protocol(spec.kernel);
  spec.kernel.mailbox.clear();
  const std::string what = refused_before_the_device(spec);
  EXPECT_NE(what.find("auto-restart counter but no mailbox"), std::string::npos) << what;
  spec.kernel.mailbox = "out";  // the host could only read the kernel's arguments back
  EXPECT_NE(refused_before_the_device(spec).find("no mailbox"), std::string::npos);
}

TEST(XrtCardNoDevice, AMailboxWithoutAutoRestartIsRefusedBeforeTheDevice) {
  xclbin::XclbinSpec spec = xrtcard::datapath_xclbin_spec();
  xrtcard::set_vitis_control_protocol(spec.kernel);
  spec.kernel.counted_auto_restart = 0;
  const std::string what = refused_before_the_device(spec);
  EXPECT_NE(what.find("mailbox but no auto-restart counter"), std::string::npos) << what;
}

TEST(XrtCardNoDevice, AMailboxDirectionXrtDoesNotKnowIsRefusedBeforeTheDevice) {
  xclbin::XclbinSpec spec = xrtcard::datapath_xclbin_spec();
  spec.kernel.mailbox = "sometimes";
  const std::string what = refused_before_the_device(spec);
  EXPECT_NE(what.find("mailbox=\"sometimes\""), std::string::npos) << what;
}

}  // namespace
}  // namespace vxsn
