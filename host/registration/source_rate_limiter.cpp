#include "host/registration/source_rate_limiter.hpp"

#include <algorithm>

namespace vxsn {

SourceRateLimiter::SourceRateLimiter(RateLimit limit, SteadyNow now)
    : limit_(limit), now_(std::move(now)) {
  limit_.burst = std::max(limit_.burst, 1.0);
  limit_.max_sources = std::max<size_t>(limit_.max_sources, 1);
}

void SourceRateLimiter::refill(Bucket& b, std::chrono::steady_clock::time_point now) const {
  if (now <= b.refilled) return;
  const double seconds = std::chrono::duration<double>(now - b.refilled).count();
  b.tokens = std::min(limit_.burst, b.tokens + seconds * limit_.per_second);
  b.refilled = now;
}

void SourceRateLimiter::forget_idle(std::chrono::steady_clock::time_point now) {
  // A full bucket holds no state worth keeping: a new one starts full too.
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    refill(it->second, now);
    it = it->second.tokens >= limit_.burst ? buckets_.erase(it) : std::next(it);
  }
  // Still full of busy sources (a spoofed flood): make room by forgetting an arbitrary one.
  if (buckets_.size() >= limit_.max_sources) buckets_.erase(buckets_.begin());
}

bool SourceRateLimiter::admit(const IpAddr& source) {
  if (limit_.per_second <= 0) return true;
  const auto now = now_();
  auto it = buckets_.find(source);
  if (it == buckets_.end()) {
    if (buckets_.size() >= limit_.max_sources) forget_idle(now);
    it = buckets_.emplace(source, Bucket{limit_.burst, now}).first;
  }
  Bucket& b = it->second;
  refill(b, now);
  if (b.tokens < 1.0) return false;
  b.tokens -= 1.0;
  return true;
}

}  // namespace vxsn
