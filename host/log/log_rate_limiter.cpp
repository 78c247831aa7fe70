#include "host/log/log_rate_limiter.hpp"

namespace vxsn {

LogRateLimiter::LogRateLimiter(uint32_t per_second, Now now)
    : per_second_(per_second), now_(std::move(now)) {
  if (!now_) now_ = [] { return Clock::now(); };
}

bool LogRateLimiter::window_over(const Window& w, Clock::time_point now) const {
  return now - w.start >= std::chrono::seconds(1);
}

LogRateLimiter::Decision LogRateLimiter::admit(const std::string& kind) {
  const Clock::time_point now = now_();
  std::lock_guard lock(mutex_);
  auto [it, fresh] = kinds_.try_emplace(kind, Window{now});
  Window& w = it->second;
  Decision d;
  if (!fresh && window_over(w, now)) {
    d.suppressed = w.suppressed;
    w = Window{now};
  }
  if (w.logged < per_second_) {
    ++w.logged;
    d.log = true;
  } else {
    ++w.suppressed;
  }
  return d;
}

std::vector<std::pair<std::string, uint64_t>> LogRateLimiter::take_suppressed() {
  const Clock::time_point now = now_();
  std::lock_guard lock(mutex_);
  std::vector<std::pair<std::string, uint64_t>> out;
  for (auto it = kinds_.begin(); it != kinds_.end();) {
    if (!window_over(it->second, now)) {
      ++it;
      continue;
    }
    if (it->second.suppressed) out.emplace_back(it->first, it->second.suppressed);
    it = kinds_.erase(it);  // a quiet kind costs nothing until it speaks again
  }
  return out;
}

LogRateLimiter& log_limiter() {
  static LogRateLimiter limiter(10);
  return limiter;
}

void flush_suppressed_logs() {
  for (const auto& [kind, count] : log_limiter().take_suppressed())
    spdlog::warn("{}: {} similar message(s) suppressed", kind, count);
}

}  // namespace vxsn
