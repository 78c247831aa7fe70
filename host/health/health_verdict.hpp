// vxsnd's health file, both sides of it: the line vxsnd writes, and whether one sample of
// it says the node may be announced. A pure
// function of the file's text, the time and a liveness probe, so every reason is testable.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace vxsn {

struct HealthFileVerdict {
  bool good = false;
  std::string reason;  // "ok", or why the node must not be announced
};

struct HealthLimits {
  int64_t stale_ms = 300;  // older samples mean vxsnd stopped writing (hung or dead)
};

using PidAliveProbe = std::function<bool(pid_t)>;

// The file's one line, as vxsnd writes it (host/daemon/health_report judges the datapath).
std::string health_line(bool healthy, const std::string& reason, long pid, int64_t unix_ms,
                        const std::string& datapath);

// `content` is the file's text, std::nullopt when it could not be read.
// The file is one JSON object written by vxsnd every health_interval_ms:
//   {"healthy":true,"reason":"ok","pid":1234,"unix_ms":1764115818123,"datapath":"software"}
HealthFileVerdict judge_health_sample(const std::optional<std::string>& content,
                                      int64_t now_unix_ms, const HealthLimits& limits,
                                      const PidAliveProbe& pid_alive);

}  // namespace vxsn
