// The pieces that touch the OS: process liveness (zombies count as dead), the command
// runner, and the vxsn-health binary's SIGTERM handling.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "host/health/process_liveness.hpp"
#include "host/health/shell_command.hpp"

extern char** environ;

namespace vxsn {
namespace {

namespace fs = std::filesystem;

char proc_state(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  std::getline(in, stat);
  auto close = stat.rfind(')');
  return close == std::string::npos ? '?' : stat[close + 2];
}

// Polls until `condition` holds; the bound only stops a broken test from hanging.
template <typename F>
bool eventually(F condition) {
  for (int i = 0; i < 500; ++i) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

TEST(ProcessAlive, ThisProcessIsAlive) {
  EXPECT_TRUE(process_alive(::getpid()));
}

TEST(ProcessAlive, NonPositivePidIsNotAlive) {
  EXPECT_FALSE(process_alive(0));
  EXPECT_FALSE(process_alive(-1));
}

TEST(ProcessAlive, ZombieAndReapedChildAreNotAlive) {
  pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ASSERT_GT(child, 0);
  ASSERT_TRUE(eventually([&] { return proc_state(child) == 'Z'; }));
  EXPECT_EQ(::kill(child, 0), 0);  // what a kill(pid, 0)-only check would believe
  EXPECT_FALSE(process_alive(child));
  ::waitpid(child, nullptr, 0);
  EXPECT_FALSE(process_alive(child));
}

TEST(ProcessAlive, StoppedProcessIsStillAlive) {
  // A SIGSTOPped vxsnd is caught by its stale file, not by liveness.
  pid_t child = ::fork();
  if (child == 0) {
    ::pause();
    ::_exit(0);
  }
  ASSERT_GT(child, 0);
  ::kill(child, SIGSTOP);
  ASSERT_TRUE(eventually([&] { return proc_state(child) == 'T'; }));
  EXPECT_TRUE(process_alive(child));
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
}

TEST(ShellCommand, ReturnsTheExitCodeAndRunsTheCommand) {
  fs::path marker = fs::temp_directory_path() / ("vxsn-sh-" + std::to_string(::getpid()));
  EXPECT_EQ(run_shell_command("touch '" + marker.string() + "'"), 0);
  EXPECT_TRUE(fs::exists(marker));
  fs::remove(marker);
  EXPECT_EQ(run_shell_command("exit 7"), 7);
}

TEST(ShellCommand, AStuckCommandIsKilled) {
  EXPECT_EQ(run_shell_command("exec sleep 30", std::chrono::milliseconds(100)), 128 + SIGKILL);
}

TEST(HealthBinary, AnnouncesAFreshHealthyFileAndWithdrawsOnSigterm) {
  fs::path dir = fs::temp_directory_path() / ("vxsn-health-bin-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::string file = (dir / "health.json").string();
  std::string log = (dir / "events").string();
  // A writer standing in for vxsnd: this test process, fresh every 20 ms.
  std::atomic<bool> writing{true};
  std::thread writer([&] {
    while (writing) {
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
      std::ofstream(file + ".tmp", std::ios::trunc)
          << "{\"healthy\":true,\"reason\":\"ok\",\"pid\":" << ::getpid() << ",\"unix_ms\":" << ms
          << ",\"datapath\":\"software\"}\n";
      fs::rename(file + ".tmp", file);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  std::string up = "echo up >> " + log, down = "echo down >> " + log;
  std::string binary = VXSN_HEALTH_BINARY;
  const char* argv[] = {binary.c_str(), "--file",     file.c_str(), "--interval-ms",
                        "20",           "--rise",     "2",          "--up-cmd",
                        up.c_str(),     "--down-cmd", down.c_str(), nullptr};
  pid_t pid = -1;
  ASSERT_EQ(posix_spawn(&pid, binary.c_str(), nullptr, nullptr, const_cast<char**>(argv), environ),
            0);
  auto events = [&] {
    std::ifstream in(log);
    std::string all, line;
    while (std::getline(in, line)) all += line + ";";
    return all;
  };
  bool announced = eventually([&] { return events() == "up;"; });
  ::kill(pid, SIGTERM);
  int status = -1;
  ::waitpid(pid, &status, 0);
  writing = false;
  writer.join();
  EXPECT_TRUE(announced) << events();
  EXPECT_EQ(events(), "up;down;");
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace vxsn
