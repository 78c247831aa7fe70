#include "host/health/health_hysteresis.hpp"

#include <algorithm>

namespace vxsn {

HealthHysteresis::HealthHysteresis(int rise) : rise_(std::max(rise, 1)) {}

HealthAction HealthHysteresis::observe(bool good) {
  if (!good) {
    good_in_a_row_ = 0;
    if (state_ == HealthState::down) return HealthAction::none;
    state_ = HealthState::down;
    return HealthAction::run_down;
  }
  if (state_ == HealthState::up) return HealthAction::none;
  if (++good_in_a_row_ < rise_) return HealthAction::none;
  state_ = HealthState::up;
  return HealthAction::run_up;
}

HealthAction HealthHysteresis::force_down() {
  good_in_a_row_ = 0;
  state_ = HealthState::down;
  return HealthAction::run_down;
}

const char* to_string(HealthState state) {
  switch (state) {
    case HealthState::up:
      return "up";
    case HealthState::down:
      return "down";
    case HealthState::unknown:
      break;
  }
  return "unknown";
}

}  // namespace vxsn
