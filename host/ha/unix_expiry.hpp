// Expiries that leave the process (replication to peers, the state file kept across a
// restart) are absolute Unix milliseconds, 0 meaning never, so another node or a later
// process ages the entry at the same moment. The table ages on the steady clock, whose
// epoch is meaningless outside this process: these convert through a pair of readings
// of both clocks taken together.
#pragma once

#include <chrono>
#include <cstdint>

namespace vxsn {

struct ClockReading {
  using SteadyTime = std::chrono::steady_clock::time_point;
  SteadyTime steady;
  int64_t unix_ms = 0;

  static ClockReading now() {
    return {std::chrono::steady_clock::now(),
            std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::system_clock::now().time_since_epoch())
                .count()};
  }

  // SteadyTime::max() (the table's "never") is 0.
  int64_t to_unix_ms(SteadyTime t) const {
    if (t == SteadyTime::max()) return 0;
    return unix_ms + std::chrono::duration_cast<std::chrono::milliseconds>(t - steady).count();
  }
  SteadyTime to_steady(int64_t ms) const {
    if (ms == 0) return SteadyTime::max();
    return steady + std::chrono::milliseconds(ms - unix_ms);
  }
};

}  // namespace vxsn
