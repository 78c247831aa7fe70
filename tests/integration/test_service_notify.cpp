// vxsnd under systemd's protocol: a real vxsnd (a net_ring port, no traffic needed) with
// NOTIFY_SOCKET pointing at the test's socket and WATCHDOG_USEC set, as systemd runs it
// for packaging/systemd/vxsnd.service (Type=notify, WatchdogSec=).
#include <signal.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/integration/notify_socket.hpp"
#include "tests/integration/process.hpp"
#include "tests/integration/testbed.hpp"

namespace vxsn::test {
namespace {

constexpr std::chrono::seconds kStart{30};  // EAL and the first table, on a busy machine
constexpr std::chrono::seconds kWait{10};

class VxsndNotify : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = "/tmp/vxsn-notify-test-" + std::to_string(::getpid());
    std::filesystem::create_directories(dir_);
    // The registration server listens on the service address (UDP 10001, freebind): a
    // loopback address of this process's own keeps parallel runs apart.
    const std::string service = "127.88." + std::to_string((::getpid() >> 8) & 0xff) + "." +
                                std::to_string(1 + ::getpid() % 250);
    std::ofstream(dir_ + "/vxsnd.toml")
        << "[node]\nid = \"notify\"\nservice_addresses = [\"" << service << "\"]\n\n"
        << "[[port]]\ndevice = \"net_ring0\"\n\n"
        << "[[vni]]\nid = 100\nmembers = [\"192.0.2.1\"]\n\n"
        << "[api]\nsocket = \"" << dir_ << "/vxsnd.sock\"\n";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<ChildProcess> start(const std::vector<std::string>& env) {
    return std::make_unique<ChildProcess>(
        std::vector<std::string>{binary("host/daemon/vxsnd"), "--config", dir_ + "/vxsnd.toml"},
        dir_ + "/vxsnd.log", env);
  }

  std::string dir_;
  NotifySocket systemd_;
};

TEST_F(VxsndNotify, ReadyWatchdogReloadStopping) {
  // Checked every 100 ms: many pings in a short test.
  auto vxsnd = start({systemd_.environment(), "WATCHDOG_USEC=200000"});

  ASSERT_EQ(systemd_.receive(kStart), "READY=1") << "READY=1 first, once the datapath polls\n"
                                                 << vxsnd->log();

  for (int i = 0; i < 5; ++i)
    ASSERT_EQ(systemd_.receive(kWait), "WATCHDOG=1")
        << "ping " << i << " while the poll loops turn\n"
        << vxsnd->log();

  vxsnd->signal(SIGHUP);
  EXPECT_EQ(systemd_.receive_other_than("WATCHDOG=1", kWait), "RELOADING=1") << vxsnd->log();
  EXPECT_EQ(systemd_.receive_other_than("WATCHDOG=1", kWait), "READY=1") << vxsnd->log();
  EXPECT_EQ(systemd_.receive(kWait), "WATCHDOG=1") << "still fed after the reload";

  vxsnd->signal(SIGTERM);
  EXPECT_EQ(systemd_.receive_other_than("WATCHDOG=1", kWait), "STOPPING=1") << vxsnd->log();
  EXPECT_EQ(vxsnd->terminate(), 0) << vxsnd->log();
}

// Outside systemd's watchdog (NOTIFY_SOCKET alone, as Type=notify without WatchdogSec=):
// ready and stopping, never a ping.
TEST_F(VxsndNotify, NoWatchdogPingsWithoutWatchdogUsec) {
  auto vxsnd = start({systemd_.environment()});
  ASSERT_EQ(systemd_.receive(kStart), "READY=1") << vxsnd->log();
  vxsnd->signal(SIGTERM);
  EXPECT_EQ(systemd_.receive(kWait), "STOPPING=1") << "no WATCHDOG=1 before it\n" << vxsnd->log();
  EXPECT_EQ(vxsnd->terminate(), 0) << vxsnd->log();
}

}  // namespace
}  // namespace vxsn::test
