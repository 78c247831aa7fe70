#include "host/daemon/control_queue.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <system_error>

namespace vxsn {

ControlQueue::ControlQueue() : fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "eventfd");
}

ControlQueue::~ControlQueue() {
  ::close(fd_);
}

void ControlQueue::post(std::function<void()> work) {
  {
    std::lock_guard lock(mutex_);
    if (closed_) throw std::runtime_error("vxsnd is shutting down");
    work_.push_back(std::move(work));
  }
  uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(fd_, &one, sizeof one);
}

void ControlQueue::run_pending() {
  uint64_t count;
  [[maybe_unused]] ssize_t n = ::read(fd_, &count, sizeof count);
  std::deque<std::function<void()>> batch;
  {
    std::lock_guard lock(mutex_);
    batch.swap(work_);
  }
  for (auto& work : batch) work();  // packaged_task: exceptions go to the caller's future
}

void ControlQueue::close() {
  std::deque<std::function<void()>> abandoned;
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    abandoned.swap(work_);
  }
  // Destroying an unrun packaged_task makes its future throw broken_promise: the waiting
  // API thread returns with an error instead of hanging.
}

}  // namespace vxsn
