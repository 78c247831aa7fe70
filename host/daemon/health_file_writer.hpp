// The daemon's health component: judges the datapath (DatapathHealth) every health
// interval and rewrites the health file the checker beside vxsnd reads. A verdict change
// is logged; a write failure is logged once until writes succeed again.
#pragma once

#include <string>
#include <vector>

#include "driver/dpdk/port.hpp"
#include "host/daemon/health_report.hpp"

namespace vxsn {

class HealthFileWriter {
 public:
  // `path` empty: no health file, write() does nothing.
  HealthFileWriter(std::string path, std::string datapath_mode);

  bool enabled() const { return !path_.empty(); }
  // `poll_turns` the datapath's loop counter; `ports` whose kernel links are checked.
  void write(uint64_t poll_turns, const std::vector<DpdkPort*>& ports, bool draining);

 private:
  std::string path_;
  std::string datapath_mode_;
  DatapathHealth health_{std::chrono::milliseconds(500)};
  HealthVerdict last_{true, "ok"};
  bool last_written_ = true;
};

}  // namespace vxsn
