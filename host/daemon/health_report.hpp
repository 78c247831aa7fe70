// Whether this node's datapath forwards, for the health checker beside vxsnd that announces
// the anycast service address (host/health's vxsn-health, driving FRR). The daemon judges;
// the checker also treats a file that stops being rewritten, or a dead pid, as unhealthy,
// which covers kill -9 and a hung control loop. The file's format: host/health/health_verdict.hpp.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace vxsn {

struct HealthVerdict {
  bool healthy = false;
  std::string reason;  // "ok", "datapath_stalled", "port_down", "draining"
};

class DatapathHealth {
 public:
  using Clock = std::chrono::steady_clock;
  // A poll loop that has not turned for `stall_after` is stalled.
  explicit DatapathHealth(std::chrono::milliseconds stall_after) : stall_after_(stall_after) {}

  // `poll_turns` the datapath's loop counter; `ports_down` the kernel interfaces of ports
  // whose link is down (empty: all up); `draining` the daemon is stopping.
  HealthVerdict judge(uint64_t poll_turns, const std::vector<std::string>& ports_down,
                      bool draining, Clock::time_point now);

 private:
  std::chrono::milliseconds stall_after_;
  uint64_t last_turns_ = 0;
  Clock::time_point last_progress_{};
};

// The kernel interface's operational state says the link is down ("down",
// "lowerlayerdown", "notpresent"; a missing interface too). "up", "unknown" and "dormant"
// count as up: virtual devices report "unknown".
bool kernel_link_down(const std::string& ifname);

}  // namespace vxsn
