// Token buckets per source address: each requester may register `rate` times a second with
// bursts up to `burst`. Idle buckets are forgotten, so the map holds active requesters only.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <unordered_map>

#include "driver/net_types.hpp"

namespace vxsn {

class PerSourceRateLimiter {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  PerSourceRateLimiter(uint32_t rate_per_s, uint32_t burst) { set_limits(rate_per_s, burst); }
  void set_limits(uint32_t rate_per_s, uint32_t burst) {
    rate_ = rate_per_s;
    burst_ = burst;
  }

  // Takes one token from `source`'s bucket; false when it is empty.
  bool allow(const IpAddr& source, TimePoint now) {
    auto [it, fresh] = buckets_.try_emplace(source, Bucket{static_cast<double>(burst_), now});
    Bucket& b = it->second;
    if (!fresh) refill(b, now);
    if (b.tokens < 1.0) return false;
    b.tokens -= 1.0;
    return true;
  }

  // Drops buckets that have refilled completely: they are indistinguishable from new ones.
  void forget_idle(TimePoint now) {
    for (auto it = buckets_.begin(); it != buckets_.end();) {
      refill(it->second, now);
      if (it->second.tokens >= burst_)
        it = buckets_.erase(it);
      else
        ++it;
    }
  }

  size_t tracked() const { return buckets_.size(); }

 private:
  struct Bucket {
    double tokens;
    TimePoint last;
  };
  void refill(Bucket& b, TimePoint now) {
    const double elapsed = std::chrono::duration<double>(now - b.last).count();
    if (elapsed > 0) {
      b.tokens = std::min<double>(burst_, b.tokens + elapsed * rate_);
      b.last = now;
    }
  }

  uint32_t rate_ = 0;
  uint32_t burst_ = 0;
  std::unordered_map<IpAddr, Bucket, IpAddrHash> buckets_;
};

}  // namespace vxsn
