// Runs work from other threads (the management API's) on the daemon's control thread, which
// owns the table and the config, so neither needs a lock. The caller blocks until its work
// has run there and gets its result or its exception.
#pragma once

#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <stdexcept>
#include <type_traits>

namespace vxsn {

class ControlQueue {
 public:
  ControlQueue();
  ~ControlQueue();
  ControlQueue(const ControlQueue&) = delete;
  ControlQueue& operator=(const ControlQueue&) = delete;

  // Readable when work is waiting: the control loop polls it.
  int fd() const { return fd_; }

  // Any thread but the control thread. Throws std::runtime_error after close().
  template <class F>
  auto call(F&& f) -> std::invoke_result_t<F&> {
    using R = std::invoke_result_t<F&>;
    auto task = std::make_shared<std::packaged_task<R()>>(std::forward<F>(f));
    std::future<R> result = task->get_future();
    post([task] { (*task)(); });
    return result.get();
  }

  // Control thread: runs everything posted so far.
  void run_pending();
  // Control thread, when it stops serving: work waiting now or posted later fails at once
  // instead of waiting for a loop that is gone.
  void close();

 private:
  void post(std::function<void()> work);

  int fd_;
  std::mutex mutex_;
  std::deque<std::function<void()>> work_;
  bool closed_ = false;
};

}  // namespace vxsn
