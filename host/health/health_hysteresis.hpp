// Turns good/bad samples into announce/withdraw decisions: one bad sample withdraws at
// once (traffic is being lost), `rise` good ones in a row announce (no flapping back in
// while vxsnd is still starting or stuttering).
#pragma once

namespace vxsn {

enum class HealthState { unknown, up, down };
enum class HealthAction { none, run_up, run_down };

class HealthHysteresis {
 public:
  explicit HealthHysteresis(int rise);

  HealthAction observe(bool good);
  HealthState state() const { return state_; }
  // A forced withdrawal (shutdown): always returns run_down, even if already down.
  HealthAction force_down();

 private:
  int rise_;
  int good_in_a_row_ = 0;
  // unknown until the first decision: a checker restarted beside a healthy vxsnd does
  // not withdraw a route that is rightly announced, it only waits for `rise` samples.
  HealthState state_ = HealthState::unknown;
};

const char* to_string(HealthState state);

}  // namespace vxsn
