// The control thread's loop: handlers run when their fd is readable, in registration order,
// the after-turn hooks after them, and stop() ends the loop after the current turn.
#include <gtest/gtest.h>

#include <string>
#include <thread>

#include "host/daemon/event_loop.hpp"

namespace vxsn {
namespace {

TEST(EventLoop, RunsReadyHandlersInOrderThenHooksAndStops) {
  EventLoop loop;
  Wakeup first, second, never;
  std::string trace;
  loop.watch(never.fd(), [&] { trace += "never;"; });
  loop.watch(first.fd(), [&] {
    first.consume();
    trace += "first;";
  });
  loop.watch(second.fd(), [&] {
    second.consume();
    trace += "second;";
    loop.stop();
  });
  loop.after_each_turn([&] { trace += "hook;"; });
  second.notify();
  first.notify();
  loop.run();
  EXPECT_EQ(trace, "first;second;hook;");
}

TEST(EventLoop, WakeupsBeforeTheTurnCoalesceIntoOne) {
  EventLoop loop;
  Wakeup w;
  int runs = 0;
  loop.watch(w.fd(), [&] {
    w.consume();
    ++runs;
    loop.stop();
  });
  for (int i = 0; i < 5; ++i) w.notify();
  loop.run();
  EXPECT_EQ(runs, 1);
}

TEST(EventLoop, AnotherThreadWakesTheLoop) {
  EventLoop loop;
  Wakeup w;
  bool woken = false;
  loop.watch(w.fd(), [&] {
    w.consume();
    woken = true;
    loop.stop();
  });
  std::thread poker([&] { w.notify(); });
  loop.run();
  poker.join();
  EXPECT_TRUE(woken);
}

TEST(IntervalTimer, FiresAndRearmsWithANewInterval) {
  EventLoop loop;
  IntervalTimer timer;
  timer.arm(5);
  EXPECT_EQ(timer.interval_ms(), 5u);
  int fired = 0;
  loop.watch(timer.fd(), [&] {
    timer.consume();
    if (++fired == 1) timer.arm(1);  // as a reload does with the stats interval
    if (fired == 3) loop.stop();
  });
  loop.run();
  EXPECT_EQ(fired, 3);
  EXPECT_EQ(timer.interval_ms(), 1u);
}

}  // namespace
}  // namespace vxsn
