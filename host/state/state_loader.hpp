// Reading the state file at start: one read of the whole file, then one decode pass. What
// went wrong is a reason to log, never an exception: the daemon then starts empty.
#pragma once

#include <string>

#include "host/state/state_file.hpp"

namespace vxsn {

struct LoadedState {
  bool found = false;  // a file was there (its absence is a first start, not an error)
  std::string error;   // non-empty: found but not usable, and why
  StateContents state;
  size_t bytes = 0;
  double read_ms = 0;
  double decode_ms = 0;
};

LoadedState load_state_file(const std::string& path);

}  // namespace vxsn
