#include "driver/card/deadline_worker.hpp"

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <mutex>
#include <utility>

namespace vxsn {

struct DeadlineWorker::State {
  std::mutex callers;  // one run() at a time

  std::mutex mutex;                  // guards everything below
  std::condition_variable has_work;  // the thread waits here for a task or shutdown
  std::condition_variable finished;  // callers wait here for their task
  Task task;
  std::shared_ptr<std::atomic<bool>> stop;  // of the current task
  bool pending = false;                     // `task` submitted, not yet taken
  bool running = false;                     // the thread is inside a task
  bool shutdown = false;
  uint64_t submitted = 0;    // tasks submitted; the current one's number
  uint64_t done = 0;         // the number of the last task that returned
  std::exception_ptr error;  // what that task threw
};

void DeadlineWorker::loop(const std::shared_ptr<State>& s) {
  std::unique_lock lock(s->mutex);
  for (;;) {
    s->has_work.wait(lock, [&] { return s->shutdown || s->pending; });
    if (s->shutdown) return;
    Task task = std::move(s->task);
    const std::shared_ptr<std::atomic<bool>> stop = s->stop;
    const uint64_t number = s->submitted;
    s->pending = false;
    s->running = true;
    lock.unlock();
    std::exception_ptr error;
    try {
      task(*stop);
    } catch (...) {
      error = std::current_exception();
    }
    task = nullptr;  // its captures go before the caller hears it is done
    lock.lock();
    s->running = false;
    s->done = number;
    s->error = error;
    s->finished.notify_all();
  }
}

DeadlineWorker::DeadlineWorker() : state_(std::make_shared<State>()) {}

DeadlineWorker::~DeadlineWorker() {
  if (!thread_.joinable()) return;
  bool free = false;
  {
    std::unique_lock lock(state_->mutex);
    if (state_->stop) state_->stop->store(true);
    state_->shutdown = true;
    state_->pending = false;
    state_->task = nullptr;
    state_->has_work.notify_all();
    free = state_->finished.wait_for(lock, kStopGrace, [&] { return !state_->running; });
  }
  // A task stuck in a blocking call keeps the thread; the thread keeps the state it needs
  // (its own shared_ptr) and ends whenever the call returns.
  if (free)
    thread_.join();
  else
    thread_.detach();
}

DeadlineOutcome DeadlineWorker::run(std::chrono::milliseconds timeout, Task task) {
  State& s = *state_;
  std::lock_guard callers(s.callers);
  if (!thread_.joinable()) thread_ = std::thread(loop, state_);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock lock(s.mutex);
  // An earlier task that got stuck may still hold the worker.
  if (!s.finished.wait_until(lock, deadline, [&] { return !s.running && !s.pending; }))
    return DeadlineOutcome::kStuck;
  s.task = std::move(task);
  s.stop = std::make_shared<std::atomic<bool>>(false);
  const uint64_t number = ++s.submitted;
  s.pending = true;
  s.has_work.notify_one();
  const auto returned = [&] { return s.done == number; };
  if (s.finished.wait_until(lock, deadline, returned)) {
    if (std::exception_ptr error = std::exchange(s.error, nullptr)) std::rethrow_exception(error);
    return DeadlineOutcome::kDone;
  }
  s.stop->store(true);
  if (s.finished.wait_for(lock, kStopGrace, returned)) {
    s.error = nullptr;  // too late to matter
    return DeadlineOutcome::kTimedOut;
  }
  return DeadlineOutcome::kStuck;
}

DeadlineOutcome DeadlineWorker::poll(std::chrono::milliseconds timeout,
                                     std::chrono::microseconds interval,
                                     std::function<bool()> probe) {
  return run(timeout, [probe = std::move(probe), interval](const std::atomic<bool>& stop) {
    while (!probe()) {
      if (stop.load()) return;
      std::this_thread::sleep_for(interval);
    }
  });
}

bool DeadlineWorker::busy() const {
  std::lock_guard lock(state_->mutex);
  return state_->running || state_->pending;
}

void DeadlineWorker::wait_until_idle() {
  std::unique_lock lock(state_->mutex);
  state_->finished.wait(lock, [&] { return !state_->running && !state_->pending; });
}

std::string within(std::chrono::milliseconds timeout) {
  return "within " + std::to_string(timeout.count()) + " ms";
}

}  // namespace vxsn
