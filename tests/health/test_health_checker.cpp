// HealthChecker over a real file: which command runs when, with a fake clock and runner;
// then with real shell commands that leave files behind.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <vector>

#include "host/health/health_checker.hpp"

namespace vxsn {
namespace {

namespace fs = std::filesystem;

class HealthCheckerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("vxsn-health-test-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    options_.file = (dir_ / "health.json").string();
    options_.rise = 3;
    options_.limits.stale_ms = 300;
    options_.up_command = "UP";
    options_.down_command = "DOWN";
  }
  void TearDown() override { fs::remove_all(dir_); }

  void write_sample(bool healthy, const std::string& reason, int64_t unix_ms) const {
    std::ofstream(options_.file, std::ios::trunc)
        << "{\"healthy\":" << (healthy ? "true" : "false") << ",\"reason\":\"" << reason
        << "\",\"pid\":777,\"unix_ms\":" << unix_ms << ",\"datapath\":\"software\"}\n";
  }

  HealthChecker make_checker() {
    return HealthChecker(
        options_,
        [this](const std::string& c) {
          commands_.push_back(c);
          return 0;
        },
        [this] { return now_; }, [](pid_t pid) { return pid == 777; });
  }

  fs::path dir_;
  HealthCheckerOptions options_;
  std::vector<std::string> commands_;
  int64_t now_ = 1764115818000;
};

TEST_F(HealthCheckerTest, MissingFileAtStartRunsDownOnce) {
  HealthChecker checker = make_checker();
  checker.poll();
  checker.poll();
  EXPECT_EQ(commands_, std::vector<std::string>{"DOWN"});
  EXPECT_EQ(checker.state(), HealthState::down);
}

TEST_F(HealthCheckerTest, HealthyStartRunsOnlyUpAfterRiseSamples) {
  HealthChecker checker = make_checker();
  for (int i = 0; i < 2; ++i) {
    now_ += 50;
    write_sample(true, "ok", now_);
    checker.poll();
  }
  EXPECT_TRUE(commands_.empty());
  now_ += 50;
  write_sample(true, "ok", now_);
  checker.poll();
  EXPECT_EQ(commands_, std::vector<std::string>{"UP"});
}

TEST_F(HealthCheckerTest, StaleFileWithdrawsAndFreshSamplesAnnounceAgain) {
  HealthChecker checker = make_checker();
  for (int i = 0; i < 3; ++i) {
    now_ += 50;
    write_sample(true, "ok", now_);
    checker.poll();
  }
  ASSERT_EQ(commands_, std::vector<std::string>{"UP"});
  now_ += 301;  // the writer stopped (SIGSTOP, hang)
  EXPECT_EQ(checker.poll().reason, "stale (301 ms old)");
  EXPECT_EQ(commands_, (std::vector<std::string>{"UP", "DOWN"}));
  for (int i = 0; i < 3; ++i) {
    now_ += 50;
    write_sample(true, "ok", now_);
    checker.poll();
  }
  EXPECT_EQ(commands_, (std::vector<std::string>{"UP", "DOWN", "UP"}));
}

TEST_F(HealthCheckerTest, DrainingSampleWithdrawsAtOnce) {
  HealthChecker checker = make_checker();
  for (int i = 0; i < 3; ++i) {
    write_sample(true, "ok", now_);
    checker.poll();
  }
  write_sample(false, "draining", now_);
  EXPECT_EQ(checker.poll().reason, "unhealthy (draining)");
  EXPECT_EQ(commands_, (std::vector<std::string>{"UP", "DOWN"}));
}

TEST_F(HealthCheckerTest, ShutdownRunsDownEvenWhenAlreadyDown) {
  HealthChecker checker = make_checker();
  checker.poll();  // missing file: DOWN
  checker.shutdown();
  EXPECT_EQ(commands_, (std::vector<std::string>{"DOWN", "DOWN"}));
}

TEST_F(HealthCheckerTest, RealCommandsRunThroughTheShell) {
  options_.up_command = "echo up >> '" + (dir_ / "log").string() + "'";
  options_.down_command = "echo down >> '" + (dir_ / "log").string() + "'";
  HealthChecker checker(
      options_, {}, [this] { return now_; }, [](pid_t) { return true; });
  checker.poll();  // no file yet
  for (int i = 0; i < 3; ++i) {
    write_sample(true, "ok", now_);
    checker.poll();
  }
  write_sample(false, "port_down", now_);
  checker.poll();
  checker.shutdown();
  std::ifstream log(dir_ / "log");
  std::vector<std::string> lines;
  for (std::string line; std::getline(log, line);) lines.push_back(line);
  EXPECT_EQ(lines, (std::vector<std::string>{"down", "up", "down", "down"}));
}

}  // namespace
}  // namespace vxsn
