// XrtCard when XRT finds no card: the hardware shim (libxrt_core), no emulation mode. XRT
// picks its shim once per process, hence this separate test program.
#include <gtest/gtest.h>

#include <memory>

#include "driver/xrt/shim_environment.hpp"
#include "driver/xrt/xrt_card.hpp"

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

}  // namespace
}  // namespace vxsn
