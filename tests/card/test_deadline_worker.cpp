// DeadlineWorker, the one bounded wait of the card backends, with a call that really
// blocks: a read() on a pipe nobody has written yet, released by writing to it afterwards.
#include "driver/card/deadline_worker.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <thread>

namespace vxsn {
namespace {

using namespace std::chrono_literals;

// A pipe whose read end blocks until release() writes a byte. Tasks hold it by shared_ptr:
// a task stuck in read() may outlive the test's own reference.
class Gate {
 public:
  Gate() {
    if (pipe(fds_) != 0) throw std::runtime_error("pipe");
  }
  ~Gate() {
    close(fds_[0]);
    close(fds_[1]);
  }
  // Blocks in read(2) until released.
  void pass() {
    char c = 0;
    while (read(fds_[0], &c, 1) < 0) {
    }
    passed = true;
  }
  void release() {
    const char c = 1;
    ASSERT_EQ(write(fds_[1], &c, 1), 1);
  }
  std::atomic<bool> passed{false};

 private:
  int fds_[2] = {-1, -1};
};

// Waits (bounded, for the test not to hang) until `done` holds; the outcome is asserted by
// the caller, the time taken is not.
template <class Pred>
bool eventually(Pred done) {
  for (int i = 0; i < 5000 && !done(); ++i) std::this_thread::sleep_for(1ms);
  return done();
}

TEST(DeadlineWorker, ATaskThatReturnsInTimeIsDone) {
  DeadlineWorker worker;
  int ran = 0;
  EXPECT_EQ(worker.run(5000ms, [&](const std::atomic<bool>&) { ran = 7; }), DeadlineOutcome::kDone);
  EXPECT_EQ(ran, 7);
  EXPECT_FALSE(worker.busy());
}

TEST(DeadlineWorker, ATasksExceptionReachesTheCaller) {
  DeadlineWorker worker;
  EXPECT_THROW(worker.run(5000ms, [](const std::atomic<bool>&) { throw std::logic_error("x"); }),
               std::logic_error);
  EXPECT_EQ(worker.run(5000ms, [](const std::atomic<bool>&) {}), DeadlineOutcome::kDone);
}

TEST(DeadlineWorker, ABlockingCallReleasedBeforeTheDeadlineIsDone) {
  DeadlineWorker worker;
  auto gate = std::make_shared<Gate>();
  std::thread releaser([gate] {
    std::this_thread::sleep_for(20ms);
    gate->release();
  });
  EXPECT_EQ(worker.run(10000ms, [gate](const std::atomic<bool>&) { gate->pass(); }),
            DeadlineOutcome::kDone);
  releaser.join();
  EXPECT_TRUE(gate->passed);
}

TEST(DeadlineWorker, ABlockedCallIsStuckHoldsTheWorkerAndFreesItWhenReleased) {
  DeadlineWorker worker;
  auto gate = std::make_shared<Gate>();
  EXPECT_EQ(worker.run(50ms, [gate](const std::atomic<bool>&) { gate->pass(); }),
            DeadlineOutcome::kStuck);
  EXPECT_TRUE(worker.busy());
  EXPECT_FALSE(gate->passed);
  // The next task waits behind the blocked one and gets its own deadline.
  bool second_ran = false;
  EXPECT_EQ(worker.run(50ms, [&](const std::atomic<bool>&) { second_ran = true; }),
            DeadlineOutcome::kStuck);
  EXPECT_FALSE(second_ran);

  gate->release();
  ASSERT_TRUE(eventually([&] { return !worker.busy(); }));
  EXPECT_TRUE(gate->passed);
  int ran = 0;
  EXPECT_EQ(worker.run(5000ms, [&](const std::atomic<bool>&) { ran = 1; }), DeadlineOutcome::kDone);
  EXPECT_EQ(ran, 1);
}

TEST(DeadlineWorker, DestroyingItWhileACallIsBlockedNeitherHangsNorFreesTheTasksState) {
  auto gate = std::make_shared<Gate>();
  std::weak_ptr<Gate> watch = gate;
  {
    DeadlineWorker worker;
    EXPECT_EQ(worker.run(50ms, [gate](const std::atomic<bool>&) { gate->pass(); }),
              DeadlineOutcome::kStuck);
  }  // the thread is detached with the task's captures
  ASSERT_FALSE(gate->passed);
  std::shared_ptr<Gate> keep = watch.lock();
  gate.reset();
  ASSERT_TRUE(keep);  // still shared with the stuck task
  keep->release();
  ASSERT_TRUE(eventually([&] { return keep->passed.load(); }));
  // The task returned and dropped its copy: this one is the last.
  ASSERT_TRUE(eventually([&] { return keep.use_count() == 1; }));
}

TEST(DeadlineWorker, WaitUntilIdleReturnsOnceAStuckTaskIsReleased) {
  DeadlineWorker worker;
  auto gate = std::make_shared<Gate>();
  ASSERT_EQ(worker.run(20ms, [gate](const std::atomic<bool>&) { gate->pass(); }),
            DeadlineOutcome::kStuck);
  std::thread releaser([gate] { gate->release(); });
  worker.wait_until_idle();
  EXPECT_TRUE(gate->passed);
  EXPECT_FALSE(worker.busy());
  releaser.join();
}

TEST(DeadlineWorker, APollThatNeverSucceedsTimesOutAndLeavesTheWorkerFree) {
  DeadlineWorker worker;
  auto probes = std::make_shared<std::atomic<int>>(0);
  EXPECT_EQ(worker.poll(30ms, 100us,
                        [probes] {
                          ++*probes;
                          return false;
                        }),
            DeadlineOutcome::kTimedOut);
  EXPECT_GT(probes->load(), 1);
  EXPECT_FALSE(worker.busy());
  EXPECT_EQ(worker.poll(5000ms, 100us, [] { return true; }), DeadlineOutcome::kDone);
}

TEST(DeadlineWorker, APollSeesAConditionSetByAnotherThread) {
  DeadlineWorker worker;
  auto flag = std::make_shared<std::atomic<bool>>(false);
  std::thread setter([flag] {
    std::this_thread::sleep_for(20ms);
    flag->store(true);
  });
  EXPECT_EQ(worker.poll(10000ms, 100us, [flag] { return flag->load(); }), DeadlineOutcome::kDone);
  setter.join();
}

}  // namespace
}  // namespace vxsn
