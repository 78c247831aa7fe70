#include "host/ha/hybrid_clock.hpp"

#include <algorithm>
#include <chrono>

namespace vxsn {

HybridClock::HybridClock(WallMs wall_ms) : wall_ms_(std::move(wall_ms)) {
  if (!wall_ms_) wall_ms_ = &HybridClock::system_ms;
}

uint64_t HybridClock::system_ms() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

// In the packed form, "physical advanced -> counter 0, else counter + 1" is simply the
// maximum of (last + 1) and (wall << 16).
uint64_t HybridClock::now() {
  last_ = std::max(last_ + 1, from_ms(wall_ms_()));
  return last_;
}

uint64_t HybridClock::observe(uint64_t remote) {
  last_ = std::max({last_ + 1, remote + 1, from_ms(wall_ms_())});
  return last_;
}

}  // namespace vxsn
