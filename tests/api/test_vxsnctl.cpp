// vxsnctl, the real binary, against an API server with an in-test backend: what it prints,
// its --json, and exit codes a script can branch on.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/api/api_test_support.hpp"
#include "tests/integration/process.hpp"

namespace vxsn::test {
namespace {

class Vxsnctl : public ::testing::Test {
 protected:
  void SetUp() override {
    settings_ = unix_only(dir_);
    server_ = std::make_unique<ApiServer>(settings_, backend_, "0.1.0");
    server_->start();
  }
  CommandResult ctl(const std::string& args) {
    return run(std::string(VXSNCTL_PATH) + " --socket " + settings_.socket_path + " " + args);
  }
  nlohmann::json json(const std::string& args) {
    CommandResult r = ctl("--json " + args);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    try {
      return nlohmann::json::parse(r.output);
    } catch (const std::exception& e) {
      ADD_FAILURE() << "not JSON: " << r.output;
      return nullptr;
    }
  }
  TempDir dir_;
  ApiSettings settings_;
  FakeBackend backend_;
  std::unique_ptr<ApiServer> server_;
};

TEST_F(Vxsnctl, StatusHumanAndJson) {
  CommandResult r = ctl("status");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("fake-node"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("10.99.0.254, fd99::fe"), std::string::npos) << r.output;
  auto j = json("status");
  EXPECT_EQ(j["node_id"], "fake-node");
  EXPECT_EQ(j["software_version"], "0.1.0");
  EXPECT_EQ(j["api_version_major"], 1);
  EXPECT_EQ(j["limits"]["max_members_per_vni"], 3);
}

TEST_F(Vxsnctl, VtepAddTakesSeveralAddressesInOneCall) {
  CommandResult add = ctl("vtep add 300 10.0.0.7 10.0.0.8 fd00::9");
  EXPECT_EQ(add.exit_code, 0) << add.output;
  EXPECT_NE(add.output.find("10.0.0.8 is a member"), std::string::npos) << add.output;
  EXPECT_EQ(json("vtep list 300").size(), 3u);
  EXPECT_EQ(json("vtep add 301 10.0.0.1 10.0.0.2").size(), 2u) << "--json lists every member";
  EXPECT_EQ(ctl("vtep add 302 10.0.0.1 bad").exit_code, 4);  // invalid argument: nothing added
  EXPECT_NE(ctl("vtep list 302").exit_code, 0);
}

TEST_F(Vxsnctl, VtepAddListRemove) {
  CommandResult add = ctl("vtep add 100 10.0.0.5");
  EXPECT_EQ(add.exit_code, 0) << add.output;
  EXPECT_EQ(ctl("vtep add 100 fd00::5").exit_code, 0);
  auto members = json("vtep list 100");
  ASSERT_EQ(members.size(), 2u);
  EXPECT_EQ(members[0]["address"], "10.0.0.5");
  EXPECT_EQ(members[0]["sources"], nlohmann::json::array({"static"}));
  EXPECT_TRUE(members[0]["expires_in_s"].is_null());
  CommandResult human = ctl("vtep list 100");
  EXPECT_NE(human.output.find("ADDRESS"), std::string::npos);
  EXPECT_NE(human.output.find("fd00::5"), std::string::npos);

  auto vnis = json("vni list");
  ASSERT_EQ(vnis.size(), 1u);
  EXPECT_EQ(vnis[0]["vni"], 100);
  EXPECT_EQ(vnis[0]["members"], 2);

  EXPECT_EQ(ctl("vtep remove 100 10.0.0.5").exit_code, 0);
  EXPECT_EQ(json("vni show 100").size(), 1u);
}

TEST_F(Vxsnctl, VniListFollowsEveryPage) {
  // More VNIs than one page of the CLI's paging would be slow to build; page size 1 with
  // --limit shows one page, the default shows them all.
  for (int vni = 1; vni <= 4; ++vni) ctl("vtep add " + std::to_string(vni) + " 10.0.0.1");
  EXPECT_EQ(json("vni list").size(), 4u);
  EXPECT_EQ(json("vni list --limit 1 --after 2").size(), 1u);
  EXPECT_EQ(json("vni list --limit 1 --after 2")[0]["vni"], 3);
}

TEST_F(Vxsnctl, ReplaceAndFlush) {
  backend_.seed(7, *IpAddr::parse("10.1.1.1"), kSourceLearned, 3, 100);
  auto flushed = json("vni flush-learned 7");
  EXPECT_EQ(flushed["flushed"], 1);
  auto r = json("vni replace 7 10.2.2.1 10.2.2.2");
  EXPECT_EQ(r["added"], 2);
  r = json("vni replace 7 --empty");
  EXPECT_EQ(r["removed"], 2);
  EXPECT_EQ(ctl("vni replace 7").exit_code, 2) << "no addresses without --empty is a usage error";
}

TEST_F(Vxsnctl, CountersResetPeersConfig) {
  CountersInfo c;
  c.datapath.rx_frames = 42;
  c.datapath.drops[static_cast<unsigned>(DropReason::kWrongPort)] = 5;
  backend_.set_counters(c);
  CommandResult human = ctl("counters");
  EXPECT_EQ(human.exit_code, 0);
  EXPECT_NE(human.output.find("wrong_port"), std::string::npos) << human.output;
  EXPECT_EQ(json("counters --reset")["rx_frames"], 42);
  EXPECT_EQ(json("counters")["rx_frames"], 0);

  EXPECT_NE(ctl("peers").output.find("no peers"), std::string::npos);
  EXPECT_EQ(json("peers"), nlohmann::json::array());

  CommandResult config = ctl("config show");
  EXPECT_NE(config.output.find("id = \"fake-node\""), std::string::npos) << config.output;
  EXPECT_EQ(json("config reload")["table_generation"], 8);
}

TEST_F(Vxsnctl, ExitCodesScriptsCanTrust) {
  EXPECT_EQ(ctl("--help").exit_code, 0);
  EXPECT_EQ(ctl("vtep add --help").exit_code, 0);
  EXPECT_EQ(ctl("vtep add 100").exit_code, 2);  // missing address
  EXPECT_EQ(ctl("frobnicate").exit_code, 2);

  CommandResult invalid = ctl("vtep add 0 10.0.0.1");
  EXPECT_EQ(invalid.exit_code, 4);
  EXPECT_NE(invalid.output.find("vni"), std::string::npos) << invalid.output;
  EXPECT_EQ(ctl("vtep add 5 not-an-address").exit_code, 4);
  for (const char* not_a_member : {"127.0.0.1", "224.0.0.5", "0.0.0.0", "::", "ff02::1"}) {
    CommandResult r = ctl(std::string("vtep add 5 ") + not_a_member);
    EXPECT_EQ(r.exit_code, 4) << not_a_member << ": " << r.output;
  }

  EXPECT_EQ(ctl("vtep list 999").exit_code, 5);
  EXPECT_EQ(ctl("vtep remove 999 10.0.0.1").exit_code, 5);

  for (const char* a : {"10.0.0.1", "10.0.0.2", "10.0.0.3"})
    ASSERT_EQ(ctl(std::string("vtep add 9 ") + a).exit_code, 0);
  CommandResult full = ctl("vtep add 9 10.0.0.4");
  EXPECT_EQ(full.exit_code, 6);
  EXPECT_NE(full.output.find("max_members_per_vni"), std::string::npos) << full.output;

  EXPECT_EQ(ctl("vtep add 9 192.0.2.7").exit_code, 7);

  backend_.reload_fails = true;
  CommandResult reload = ctl("config reload");
  EXPECT_EQ(reload.exit_code, 4);
  EXPECT_NE(reload.output.find("node.ttl"), std::string::npos) << reload.output;

  CommandResult gone =
      run(std::string(VXSNCTL_PATH) + " --socket " + dir_.file("nope.sock") + " status");
  EXPECT_EQ(gone.exit_code, 3);
  EXPECT_EQ(gone.output.find("Thrift:"), std::string::npos) << "one message, ours: " << gone.output;
}

}  // namespace
}  // namespace vxsn::test
