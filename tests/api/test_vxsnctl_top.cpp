// `vxsnctl top` against a real vxsnd on the testbed while a tenant pings: --once shows the
// busy VNI with its copies per second and the quiet one without, the table and no peers;
// the live view redraws until Ctrl-C and then exits cleanly.
#include <gtest/gtest.h>

#include <csignal>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/integration/testbed.hpp"

namespace vxsn::test {
namespace {

using namespace std::chrono_literals;

class VxsnctlTop : public ::testing::Test {
 protected:
  void SetUp() override {
    node_ = std::make_unique<Node>(tb_);
    ASSERT_TRUE(node_->wait_ready()) << node_->process().log();
    vni_a_ = tb_.vnis()[0];
    vni_b_ = tb_.vnis()[1];
  }
  std::string ctl(const std::string& args) const {
    return binary("host/ctl/vxsnctl") + " --socket " + node_->dir() + "/vxsnd.sock " + args;
  }
  // Pings between two tenants of VNI A, five a second, for longer than any test here.
  std::unique_ptr<ChildProcess> traffic() const {
    const auto t = tb_.tenants_of(vni_a_);
    return std::make_unique<ChildProcess>(
        std::vector<std::string>{"ip", "netns", "exec", t[0].netns, "ping", "-i", "0.2", "-c",
                                 "200", t[1].ip},
        node_->dir() + "/ping.log");
  }

  Testbed tb_;
  std::unique_ptr<Node> node_;
  uint32_t vni_a_ = 0, vni_b_ = 0;
};

// The row of a VNI in the human frame's VNI table, split into columns.
std::vector<std::string> vni_row(const std::string& frame, uint32_t vni) {
  std::istringstream lines(frame);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream cols(line);
    std::vector<std::string> row;
    for (std::string c; cols >> c;) row.push_back(c);
    if (row.size() == 6 && row[0] == std::to_string(vni)) return row;
  }
  return {};
}

TEST_F(VxsnctlTop, OnceShowsTheBusyVniWithItsRates) {
  auto ping = traffic();
  // The pings' copies must fall inside the two reads of one frame.
  ASSERT_TRUE(wait_until([&] { return node_->stats()["tx_copies"].get<uint64_t>() > 0; }, 10s));

  CommandResult human = run(ctl("top --once"));
  ASSERT_EQ(human.exit_code, 0) << human.output;
  EXPECT_NE(human.output.find("table  2 VNIs"), std::string::npos) << human.output;
  EXPECT_NE(human.output.find("6 members"), std::string::npos) << human.output;
  EXPECT_NE(human.output.find("entries 6 static, 0 registered, 0 learned, 0 peer"),
            std::string::npos)
      << human.output;
  EXPECT_NE(human.output.find("peers  none"), std::string::npos) << human.output;
  const auto a = vni_row(human.output, vni_a_), b = vni_row(human.output, vni_b_);
  ASSERT_FALSE(a.empty()) << human.output;
  ASSERT_FALSE(b.empty()) << human.output;
  EXPECT_GT(std::stod(a[1]), 0.0) << "copies/s of the pinging VNI\n" << human.output;
  EXPECT_GT(std::stod(a[2]), 0.0) << "bytes out/s\n" << human.output;
  EXPECT_EQ(std::stod(b[1]), 0.0) << human.output;
  EXPECT_LT(human.output.find(std::to_string(vni_a_) + " "),
            human.output.find(std::to_string(vni_b_) + " "))
      << "the busiest VNI first\n"
      << human.output;

  CommandResult json = run(ctl("--json top --once --vnis 1"));
  ASSERT_EQ(json.exit_code, 0) << json.output;
  const auto j = nlohmann::json::parse(json.output);
  ASSERT_EQ(j["vnis"].size(), 1u) << "--vnis 1";
  EXPECT_EQ(j["vnis"][0]["vni"], vni_a_);
  EXPECT_GT(j["vnis"][0]["copies_out_per_s"].get<double>(), 0.0);
  EXPECT_EQ(j["vnis_with_counters"], 2);
  EXPECT_GT(j["tx_copies_per_s"].get<double>(), 0.0);
  EXPECT_GT(j["interval_s"].get<double>(), 0.5);
  EXPECT_EQ(j["table"]["members"], 6);
  EXPECT_EQ(j["table"]["sources"]["static"], 6);
  EXPECT_TRUE(j["peers"].empty());
}

TEST_F(VxsnctlTop, LiveViewRedrawsUntilInterrupted) {
  // vxsnctl itself, not a shell around it: the signal must reach it.
  ChildProcess top({binary("host/ctl/vxsnctl"), "--socket", node_->dir() + "/vxsnd.sock", "top",
                    "--interval-ms", "200"},
                   node_->dir() + "/top.log");
  ASSERT_TRUE(wait_until(
      [&] {
        const std::string log = top.log();
        size_t frames = 0;
        for (size_t at = log.find("\x1b[H\x1b[2J"); at != std::string::npos;
             at = log.find("\x1b[H\x1b[2J", at + 1))
          ++frames;
        return frames >= 2;
      },
      10s))
      << top.log();
  top.signal(SIGINT);
  EXPECT_TRUE(wait_until([&] { return !top.running(); }, 5s)) << "Ctrl-C ends the view";
  EXPECT_EQ(top.terminate(), 0) << top.log();
}

}  // namespace
}  // namespace vxsn::test
