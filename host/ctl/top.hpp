// `vxsnctl top`: a live view of a node, redrawn every interval with plain ANSI (clear and
// home, no curses); `once` prints a single frame from two reads one interval apart.
#pragma once

#include <cstddef>
#include <cstdint>

#include "host/ctl/commands.hpp"

namespace vxsn::ctl {

struct TopOptions {
  bool once = false;
  uint32_t interval_ms = 1000;
  size_t vnis = 20;  // rows of the VNI table
};

// Returns when the frame is printed (once) or on SIGINT/SIGTERM.
void run_top(ApiClient& c, Output& o, const TopOptions& options);

}  // namespace vxsn::ctl
