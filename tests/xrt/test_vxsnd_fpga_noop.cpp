// vxsnd with `[datapath] mode = "fpga"`: the daemon drives a card through XRT, here XRT's
// noop shim (every host call real, no kernel runs). What can be shown without a board: the
// xclbin is loaded and checked, every table the node builds is written to the card's idle
// bank and flipped, the API reports the card, counters and the learn ring are read from
// the device, and a missing device or a wrong xclbin stops the daemon with a clear error.
// What only a board shows (frames replicated by the kernels) is in README's fpga section.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "tests/api/api_test_support.hpp"
#include "tests/integration/testbed.hpp"

namespace vxsn::test {
namespace {

using namespace std::chrono_literals;

// XRT picks its shim from the environment vxsnd inherits.
class FpgaNoop : public ::testing::Test {
 protected:
  void SetUp() override {
    ::unsetenv("XILINX_XRT");
    ::setenv("XCL_EMULATION_MODE", "noop", 1);
  }
  void TearDown() override { ::unsetenv("XCL_EMULATION_MODE"); }

  std::string fpga_config(const std::string& xclbin, unsigned device = 0) const {
    return "[datapath]\nmode = \"fpga\"\nxclbin = \"" + xclbin +
           "\"\ncard_device = " + std::to_string(device) + "\n\n[api]\nsocket = \"" +
           dir_.file("s.sock") + "\"\n";
  }
  api::NodeInfo info() const {
    ConnectOptions c;
    c.socket_path = dir_.file("s.sock");
    ApiClient client(c);
    api::NodeInfo i;
    client->getInfo(i);
    return i;
  }
  // Waits for vxsnd to exit on its own; its exit status, -1 if it is still running.
  static int exit_status(ChildProcess& p) {
    if (!wait_until([&] { return !p.running(); }, 30s)) return -1;
    return p.terminate();
  }

  TempDir dir_;
};

TEST_F(FpgaNoop, LoadsEveryTableIntoTheCardAndReportsIt) {
  Testbed tb;
  NodeOptions o;
  o.extra_config = fpga_config(VXSN_XCLBIN_PATH);
  Node node(tb, o);
  ASSERT_TRUE(node.wait_ready()) << node.process().log();
  const api::NodeInfo first = info();
  EXPECT_EQ(first.datapath_mode, "fpga");
  ASSERT_TRUE(first.__isset.card);
  EXPECT_EQ(first.card.backend, "xrt");
  EXPECT_TRUE(first.card.enabled);  // started: the card's input is on
  EXPECT_GE(first.card.table_version, 1);
  ASSERT_EQ(first.card.tables.size(), 2u);
  EXPECT_EQ(first.card.tables[0].used, 2);  // the testbed's two VNIs
  EXPECT_EQ(first.card.tables[1].used, 6);  // three VTEPs in each
  // The build's xclbin declares no auto-restart counter or mailbox: control runs per call.
  EXPECT_EQ(node.fresh_stats()["card"].value("run_mode", ""), "per-call") << node.stats().dump();

  // A member added through the API is a new table in the card's other bank.
  const std::string ctl = binary("host/ctl/vxsnctl") + " --socket " + dir_.file("s.sock");
  const CommandResult add =
      run(ctl + " vtep add " + std::to_string(tb.vnis()[0]) + " 10.77.0.9 2>&1");
  ASSERT_EQ(add.exit_code, 0) << add.output;
  ASSERT_TRUE(wait_until([&] { return info().card.tables_loaded > first.card.tables_loaded; }, 10s))
      << node.process().log();
  const api::NodeInfo second = info();
  EXPECT_GT(second.card.table_version, first.card.table_version);
  EXPECT_NE(second.card.active_bank, first.card.active_bank);

  // Counters come from the card's counter block (nothing ran: all zero, but read).
  const CommandResult counters = run(ctl + " counters 2>&1");
  EXPECT_EQ(counters.exit_code, 0) << counters.output;
  EXPECT_EQ(node.process().terminate(), 0) << node.process().log();
}

// A port's kernel path on a card: the host kernel's frames on the TAP go into the card's
// inject ring (the card sends them out of its port). Under the noop shim no kernel runs to
// send them, so the ring fills: exactly its slots are taken and every later frame is
// refused and counted dropped, never lost silently, and the daemon keeps running.
TEST_F(FpgaNoop, AKernelInterfaceFeedsTheCardsInjectRingUntilItIsFull) {
  Testbed tb;
  const std::string tap = "vxfk" + std::to_string(getpid() % 100000);
  NodeOptions o;
  o.extra_config = fpga_config(VXSN_XCLBIN_PATH);
  o.port_keys = "kernel_interface = \"" + tap + "\"\n";
  Node node(tb, o);
  ASSERT_TRUE(node.wait_ready()) << node.process().log();
  const std::string in_node = "ip netns exec " + tb.node_ns() + " ";
  // 40 echo requests to a static neighbour: 40 frames from the kernel on the TAP.
  ASSERT_EQ(run(in_node + "ip addr add 192.0.2.1/24 dev " + tap + " && " + in_node +
                "ip neigh replace 192.0.2.2 lladdr 02:00:00:00:00:02 dev " + tap + " 2>&1")
                .exit_code,
            0);
  run(in_node + "ping -c 40 -i 0.01 -W 0.1 192.0.2.2 >/dev/null 2>&1");
  nlohmann::json paths;
  ASSERT_TRUE(wait_until(
      [&] {
        paths = node.fresh_stats().value("kernel_path", nlohmann::json::object());
        return paths.value("dropped", 0u) >= 8;
      },
      10s))
      << node.stats().dump() << node.process().log();
  EXPECT_EQ(paths.value("from_kernel", 0u), 32u) << "the inject ring's slots, then full";
  EXPECT_TRUE(node.process().running());
  EXPECT_EQ(node.process().terminate(), 0) << node.process().log();
}

TEST_F(FpgaNoop, AWrongXclbinStopsTheDaemonNamingIt) {
  const std::string bogus = dir_.file("not-a-card.xclbin");
  std::ofstream(bogus) << "this is not an xclbin";
  Testbed tb;
  NodeOptions o;
  o.extra_config = fpga_config(bogus);
  Node node(tb, o);
  EXPECT_EQ(exit_status(node.process()), 1) << node.process().log();
  EXPECT_NE(node.process().log().find("xclbin"), std::string::npos) << node.process().log();
}

// The noop shim answers for any device index, so this one runs on the hardware shim (a
// real card's), where device 200 exists on no machine.
TEST_F(FpgaNoop, AMissingDeviceStopsTheDaemonNamingIt) {
  ::unsetenv("XCL_EMULATION_MODE");
  Testbed tb;
  NodeOptions o;
  o.extra_config = fpga_config(VXSN_XCLBIN_PATH, 200);
  Node node(tb, o);
  EXPECT_EQ(exit_status(node.process()), 1) << node.process().log();
  EXPECT_NE(node.process().log().find("no XRT device 200"), std::string::npos)
      << node.process().log();
}

TEST_F(FpgaNoop, FpgaModeWithoutAnXclbinIsAConfigError) {
  Testbed tb;
  NodeOptions o;
  o.extra_config = "[datapath]\nmode = \"fpga\"\n";
  Node node(tb, o);
  EXPECT_EQ(exit_status(node.process()), 2) << node.process().log();
  EXPECT_NE(node.process().log().find("datapath.xclbin"), std::string::npos)
      << node.process().log();
}

}  // namespace
}  // namespace vxsn::test
