#include "host/daemon/health_report.hpp"

#include <fstream>

namespace vxsn {

HealthVerdict DatapathHealth::judge(uint64_t poll_turns, const std::vector<std::string>& ports_down,
                                    bool draining, Clock::time_point now) {
  if (poll_turns != last_turns_ || last_progress_ == Clock::time_point{}) {
    last_turns_ = poll_turns;
    last_progress_ = now;
  }
  if (draining) return {false, "draining"};
  if (now - last_progress_ > stall_after_) return {false, "datapath_stalled"};
  if (!ports_down.empty()) return {false, "port_down"};
  return {true, "ok"};
}

bool kernel_link_down(const std::string& ifname) {
  std::ifstream in("/sys/class/net/" + ifname + "/operstate");
  std::string state;
  if (!(in >> state)) return true;
  return state == "down" || state == "lowerlayerdown" || state == "notpresent";
}

}  // namespace vxsn
