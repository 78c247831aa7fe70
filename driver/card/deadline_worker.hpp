// Bounded waits on the card: the one piece of code every backend uses to wait for the card
// with a deadline, whether the wait is a poll (the counter snapshot's ack word, the table
// bank ack word) or a call that blocks without a timeout of its own (XRT's mailbox).
//
// A task runs on the worker's own thread; the caller waits for it until the deadline.
// On timeout the caller asks the task to stop and gives it a short grace to do so:
//   kTimedOut  the task saw the request and returned (a poll): the worker is free again
//   kStuck     the task is still inside a blocking call (a hung kernel): the worker stays
//              blocked in it, possibly for good, and every later task waits behind it.
// So a task must not reference anything its caller may destroy: it captures by value
// (XRT objects are shared handles) or owns what it uses through shared ownership. The
// worker's own state is shared with its thread, so destroying a DeadlineWorker whose task
// is stuck detaches the thread instead of joining it, and nothing is freed under it.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

namespace vxsn {

enum class DeadlineOutcome {
  kDone,      // the task returned before the deadline
  kTimedOut,  // it did not; it returned after being asked to stop
  kStuck,     // it did not, and it is still running
};

class DeadlineWorker {
 public:
  // `stop` is set once the caller has given up; a polling task returns when it sees it.
  using Task = std::function<void(const std::atomic<bool>& stop)>;

  // How long a timed-out task gets to see the stop request and return.
  static constexpr std::chrono::milliseconds kStopGrace{100};

  DeadlineWorker();
  ~DeadlineWorker();
  DeadlineWorker(const DeadlineWorker&) = delete;
  DeadlineWorker& operator=(const DeadlineWorker&) = delete;

  // Runs `task` on the worker thread (started at the first call) and waits until it
  // returns or `timeout` passes, the time a previous stuck task still holds the worker
  // included. A task's exception is rethrown here when it finished in time. Callers are
  // serialised: one task at a time.
  DeadlineOutcome run(std::chrono::milliseconds timeout, Task task);

  // Polls `probe` every `interval` on the worker until it returns true or `timeout`
  // passes: run() with a task that honours the stop request between probes.
  DeadlineOutcome poll(std::chrono::milliseconds timeout, std::chrono::microseconds interval,
                       std::function<bool()> probe);

  // The task still occupies the worker (a kStuck task that has not returned yet).
  bool busy() const;

  // Waits, without a bound, until no task occupies the worker. For an owner whose tasks
  // reference the owner itself and always return (they wait only for its own locks): call
  // it before the owner goes, so no late task runs on a destroyed owner.
  void wait_until_idle();

 private:
  struct State;
  static void loop(const std::shared_ptr<State>& state);  // the thread

  std::shared_ptr<State> state_;  // shared with the thread, which may outlive this
  std::thread thread_;            // started by the first run()
};

// "within 1000 ms": how every deadline message names its bound.
std::string within(std::chrono::milliseconds timeout);

}  // namespace vxsn
