// The control thread's loop: file descriptors (signals, timers, eventfds, queues) and what
// to do when each becomes readable. Everything the daemon does outside the datapath's own
// threads happens in a handler here, one at a time, so the control state needs no locks.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

namespace vxsn {

// Owns a file descriptor; throws std::system_error for a failed creation (fd < 0).
class Fd {
 public:
  explicit Fd(int fd);
  ~Fd();
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// An eventfd another thread pokes (notify) to wake the loop; many pokes before the loop
// runs coalesce into one wake-up.
class Wakeup {
 public:
  Wakeup();
  void notify() const;  // any thread; async-signal-safe
  void consume() const;
  int fd() const { return fd_.get(); }

 private:
  Fd fd_;
};

// A periodic monotonic timer, re-armable (a reload may change its interval).
class IntervalTimer {
 public:
  IntervalTimer();
  void arm(uint32_t interval_ms);
  uint32_t interval_ms() const { return interval_ms_; }
  void consume() const;
  int fd() const { return fd_.get(); }

 private:
  Fd fd_;
  uint32_t interval_ms_ = 0;
};

class EventLoop {
 public:
  // `handler` runs when `fd` is readable and must consume what made it so. Registration
  // order is the order handlers run in when several fds are ready in one turn.
  void watch(int fd, std::function<void()> handler);
  // Runs after every turn's handlers.
  void after_each_turn(std::function<void()> hook);
  // Turns until a handler calls stop().
  void run();
  void stop() { running_ = false; }

 private:
  struct Watch {
    int fd;
    std::function<void()> handler;
  };
  std::vector<Watch> watches_;
  std::vector<std::function<void()>> after_turn_;
  bool running_ = false;
};

}  // namespace vxsn
