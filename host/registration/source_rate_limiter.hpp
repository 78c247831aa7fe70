// A token bucket per requester address, so one VTEP (or one spoofer) cannot flood the table or
// turn small queries into large replies at will.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <unordered_map>

#include "driver/net_types.hpp"

namespace vxsn {

using SteadyNow = std::function<std::chrono::steady_clock::time_point()>;

struct RateLimit {
  double per_second = 0;       // datagrams per second and source; 0: unlimited
  double burst = 16;           // bucket size
  size_t max_sources = 65536;  // buckets kept; idle full ones are forgotten first
};

class SourceRateLimiter {  // not thread-safe: one per receiving thread
 public:
  SourceRateLimiter(RateLimit limit, SteadyNow now);
  // Takes one token from `source`'s bucket; false if it is empty.
  bool admit(const IpAddr& source);
  size_t tracked_sources() const { return buckets_.size(); }

 private:
  struct Bucket {
    double tokens;
    std::chrono::steady_clock::time_point refilled;
  };
  void refill(Bucket& b, std::chrono::steady_clock::time_point now) const;
  void forget_idle(std::chrono::steady_clock::time_point now);

  RateLimit limit_;
  SteadyNow now_;
  std::unordered_map<IpAddr, Bucket, IpAddrHash> buckets_;
};

}  // namespace vxsn
