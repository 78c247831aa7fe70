#include "host/daemon/event_loop.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace vxsn {

Fd::Fd(int fd) : fd_(fd) {
  if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "fd");
}

Fd::~Fd() {
  ::close(fd_);
}

namespace {

// eventfd and timerfd both hand over one 8-byte count per read.
void read_count(int fd) {
  uint64_t count;
  [[maybe_unused]] ssize_t n = ::read(fd, &count, sizeof count);
}

}  // namespace

Wakeup::Wakeup() : fd_(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {}

void Wakeup::notify() const {
  uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(fd_.get(), &one, sizeof one);
}

void Wakeup::consume() const {
  read_count(fd_.get());
}

IntervalTimer::IntervalTimer() : fd_(timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK)) {}

void IntervalTimer::arm(uint32_t interval_ms) {
  itimerspec spec{};
  spec.it_interval.tv_sec = interval_ms / 1000;
  spec.it_interval.tv_nsec = (interval_ms % 1000) * 1000000L;
  spec.it_value = spec.it_interval;
  timerfd_settime(fd_.get(), 0, &spec, nullptr);
  interval_ms_ = interval_ms;
}

void IntervalTimer::consume() const {
  read_count(fd_.get());
}

void EventLoop::watch(int fd, std::function<void()> handler) {
  watches_.push_back(Watch{fd, std::move(handler)});
}

void EventLoop::after_each_turn(std::function<void()> hook) {
  after_turn_.push_back(std::move(hook));
}

void EventLoop::run() {
  std::vector<pollfd> fds;
  for (const Watch& w : watches_) fds.push_back(pollfd{w.fd, POLLIN, 0});
  for (running_ = true; running_;) {
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::generic_category(), "poll");
    }
    for (size_t i = 0; i < fds.size(); ++i)
      if (fds[i].revents & POLLIN) watches_[i].handler();
    for (const auto& hook : after_turn_) hook();
  }
}

}  // namespace vxsn
