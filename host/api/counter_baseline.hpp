// "Reset" counters without touching the datapath: the datapath's counters have a single
// writer and only ever grow, so a reset records the totals as a baseline and the API reports
// the difference from then on.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>

#include "host/api/management_backend.hpp"

namespace vxsn {

class CounterBaseline {  // thread-safe
 public:
  struct View {
    CountersInfo counters;  // `now` minus the baseline
    double since_reset_s = 0;
  };
  // Counters since the last reset (all of `now` before the first reset).
  View since_reset(const CountersInfo& now) const;
  // Returns the counters up to `now` and makes `now` the new baseline, in one step, so no
  // count is reported twice or lost between two resets.
  View reset(const CountersInfo& now);

 private:
  View subtract(const CountersInfo& now) const;  // caller holds mutex_
  mutable std::mutex mutex_;
  CountersInfo base_;
  std::chrono::steady_clock::time_point since_ = std::chrono::steady_clock::now();
};

}  // namespace vxsn
