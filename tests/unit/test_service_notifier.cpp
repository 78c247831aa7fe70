// ServiceNotifier against a real unix datagram socket standing in for systemd's: the exact
// datagrams, the watchdog only while the poll loops turn, and nothing outside systemd.
#include <gtest/gtest.h>

#include <cstdlib>

#include "host/daemon/service_notifier.hpp"
#include "tests/integration/notify_socket.hpp"

namespace vxsn {
namespace {

using test::NotifySocket;
constexpr std::chrono::milliseconds kWait{2000};
constexpr std::chrono::milliseconds kNothing{100};  // a datagram sent is already queued

class ServiceNotifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ::unsetenv("WATCHDOG_USEC");
    ::unsetenv("WATCHDOG_PID");
    ::setenv("NOTIFY_SOCKET", socket_.path().c_str(), 1);
  }
  void TearDown() override {
    ::unsetenv("NOTIFY_SOCKET");
    ::unsetenv("WATCHDOG_USEC");
  }
  NotifySocket socket_;
};

TEST_F(ServiceNotifierTest, SendsReadyReloadingStopping) {
  ServiceNotifier n;
  ASSERT_TRUE(n.enabled());
  n.ready();
  EXPECT_EQ(socket_.receive(kWait), "READY=1");
  n.reloading();
  EXPECT_EQ(socket_.receive(kWait), "RELOADING=1");
  n.ready();
  EXPECT_EQ(socket_.receive(kWait), "READY=1");
  n.stopping();
  EXPECT_EQ(socket_.receive(kWait), "STOPPING=1");
  EXPECT_EQ(socket_.receive(kNothing), std::nullopt);
}

TEST_F(ServiceNotifierTest, WatchdogPingsOnlyWhenPollTurnsAdvanced) {
  ::setenv("WATCHDOG_USEC", "3000000", 1);
  ServiceNotifier n;
  EXPECT_EQ(n.watchdog_check_ms(), 1500u) << "checked at half systemd's interval";
  EXPECT_TRUE(n.watchdog(17));
  EXPECT_EQ(socket_.receive(kWait), "WATCHDOG=1");
  EXPECT_FALSE(n.watchdog(17)) << "the poll loops did not turn";
  EXPECT_EQ(socket_.receive(kNothing), std::nullopt);
  EXPECT_TRUE(n.watchdog(18));
  EXPECT_EQ(socket_.receive(kWait), "WATCHDOG=1");
}

TEST_F(ServiceNotifierTest, NoWatchdogWithoutWatchdogUsec) {
  ServiceNotifier n;
  EXPECT_EQ(n.watchdog_check_ms(), 0u);
}

TEST_F(ServiceNotifierTest, WatchdogForAnotherPidIsNotOurs) {
  ::setenv("WATCHDOG_USEC", "3000000", 1);
  ::setenv("WATCHDOG_PID", "1", 1);
  ServiceNotifier n;
  ::unsetenv("WATCHDOG_PID");
  EXPECT_EQ(n.watchdog_check_ms(), 0u);
}

TEST_F(ServiceNotifierTest, NothingWithoutNotifySocket) {
  ::unsetenv("NOTIFY_SOCKET");
  ::setenv("WATCHDOG_USEC", "3000000", 1);
  ServiceNotifier n;
  EXPECT_FALSE(n.enabled());
  EXPECT_EQ(n.watchdog_check_ms(), 0u);
  n.ready();
  n.reloading();
  n.stopping();
  EXPECT_FALSE(n.watchdog(1));
  EXPECT_EQ(socket_.receive(kNothing), std::nullopt);
}

}  // namespace
}  // namespace vxsn
