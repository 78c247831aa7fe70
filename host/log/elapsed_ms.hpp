// Milliseconds since a steady-clock instant: the unit of the timing breakdowns vxsnd logs.
#pragma once

#include <chrono>

namespace vxsn {

inline double ms_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace vxsn
