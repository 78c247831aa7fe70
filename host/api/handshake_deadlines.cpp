#include "host/api/handshake_deadlines.hpp"

#include <sys/socket.h>

namespace vxsn {

using Clock = std::chrono::steady_clock;

struct HandshakeDeadlines::Watch {
  int fd;
  Clock::time_point deadline;
  bool done = false;  // finished, or cut off: the descriptor is no longer ours to touch
};

struct HandshakeDeadlines::Core {
  std::mutex mutex;
  std::condition_variable wake;
  std::deque<std::shared_ptr<Watch>> pending;  // by deadline: every handshake has the same limit
  bool stopping = false;
  std::atomic<uint64_t> expired{0};
};

HandshakeDeadlines::HandshakeDeadlines(std::chrono::milliseconds limit)
    : limit_(limit), core_(std::make_shared<Core>()), thread_([this] { run(); }) {}

HandshakeDeadlines::~HandshakeDeadlines() {
  {
    std::lock_guard lock(core_->mutex);
    core_->stopping = true;
  }
  core_->wake.notify_all();
  thread_.join();
}

std::unique_ptr<HandshakeDeadlines::Ticket> HandshakeDeadlines::watch(int fd) {
  auto w = std::make_shared<Watch>(Watch{fd, Clock::now() + limit_});
  bool first;
  {
    std::lock_guard lock(core_->mutex);
    first = core_->pending.empty();
    core_->pending.push_back(w);
  }
  if (first) core_->wake.notify_all();
  return std::unique_ptr<Ticket>(new Ticket(core_, std::move(w)));
}

void HandshakeDeadlines::Ticket::finish() {
  if (!watch_) return;
  {
    // Under the watchdog's lock: once this returns, no shutdown() can hit a descriptor that
    // the connection is about to close (and the kernel to reuse).
    std::lock_guard lock(core_->mutex);
    watch_->done = true;
  }
  watch_.reset();
  core_.reset();
}

uint64_t HandshakeDeadlines::expired() const {
  return core_->expired.load(std::memory_order_relaxed);
}

void HandshakeDeadlines::run() {
  std::unique_lock lock(core_->mutex);
  while (!core_->stopping) {
    auto& pending = core_->pending;
    while (!pending.empty() && pending.front()->done) pending.pop_front();
    if (pending.empty()) {
      core_->wake.wait(lock);
      continue;
    }
    const std::shared_ptr<Watch> next = pending.front();
    if (Clock::now() < next->deadline) {
      core_->wake.wait_until(lock, next->deadline);
      continue;
    }
    // Counted first, so whoever sees the connection close sees the count too. Shut down,
    // not closed: the descriptor stays the connection's until it closes it.
    core_->expired.fetch_add(1, std::memory_order_relaxed);
    ::shutdown(next->fd, SHUT_RDWR);
    next->done = true;
  }
}

}  // namespace vxsn
