// Hybrid logical clock (Kulkarni et al.): wall-clock milliseconds in the top 48 bits, a
// logical counter in the low 16. It never runs backwards, stays close to real time, and a
// receive moves it past everything seen, so a write made after seeing another write always
// carries a later stamp, even if the writer's wall clock lags.
#pragma once

#include <cstdint>
#include <functional>

namespace vxsn {

class HybridClock {
 public:
  using WallMs = std::function<uint64_t()>;
  static constexpr unsigned kLogicalBits = 16;

  // `wall_ms` defaults to the system clock; tests pass their own.
  explicit HybridClock(WallMs wall_ms = {});

  // A stamp for a local event (send or local write).
  uint64_t now();
  // Merges a stamp received from a peer; returns the clock after the merge.
  uint64_t observe(uint64_t remote);
  uint64_t last() const { return last_; }

  static uint64_t physical_ms(uint64_t hlc) { return hlc >> kLogicalBits; }
  static uint64_t from_ms(uint64_t ms) { return ms << kLogicalBits; }
  static uint64_t system_ms();

 private:
  WallMs wall_ms_;
  uint64_t last_ = 0;
};

}  // namespace vxsn
