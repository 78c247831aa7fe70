#include "host/daemon/health_file_writer.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include "host/daemon/stats_report.hpp"
#include "host/ha/hybrid_clock.hpp"
#include "host/health/health_verdict.hpp"

namespace vxsn {

HealthFileWriter::HealthFileWriter(std::string path, std::string datapath_mode)
    : path_(std::move(path)), datapath_mode_(std::move(datapath_mode)) {}

void HealthFileWriter::write(uint64_t poll_turns, const std::vector<DpdkPort*>& ports,
                             bool draining) {
  if (!enabled()) return;
  std::vector<std::string> down;
  for (DpdkPort* p : ports)
    if (!p->kernel_ifname().empty() && kernel_link_down(p->kernel_ifname()))
      down.push_back(p->kernel_ifname());
  const HealthVerdict v =
      health_.judge(poll_turns, down, draining, std::chrono::steady_clock::now());
  const auto unix_ms = static_cast<int64_t>(HybridClock::system_ms());
  const bool written = replace_file_atomically(
      path_, health_line(v.healthy, v.reason, ::getpid(), unix_ms, datapath_mode_));
  if (v.healthy != last_.healthy || v.reason != last_.reason)
    spdlog::info("health: {} ({})", v.healthy ? "healthy" : "unhealthy", v.reason);
  if (!written && last_written_) spdlog::warn("health: cannot write {}", path_);
  last_ = v;
  last_written_ = written;
}

}  // namespace vxsn
