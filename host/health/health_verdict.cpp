#include "host/health/health_verdict.hpp"

#include <nlohmann/json.hpp>

namespace vxsn {

namespace {

// The file's keys, written and read only here.
constexpr const char* kHealthy = "healthy";
constexpr const char* kReason = "reason";
constexpr const char* kPid = "pid";
constexpr const char* kUnixMs = "unix_ms";
constexpr const char* kDatapath = "datapath";

HealthFileVerdict bad(std::string reason) {
  return {false, std::move(reason)};
}

}  // namespace

std::string health_line(bool healthy, const std::string& reason, long pid, int64_t unix_ms,
                        const std::string& datapath) {
  nlohmann::json j = {{kHealthy, healthy},
                      {kReason, reason},
                      {kPid, pid},
                      {kUnixMs, unix_ms},
                      {kDatapath, datapath}};
  return j.dump() + '\n';
}

HealthFileVerdict judge_health_sample(const std::optional<std::string>& content,
                                      int64_t now_unix_ms, const HealthLimits& limits,
                                      const PidAliveProbe& pid_alive) {
  if (!content) return bad("file_missing");
  nlohmann::json j = nlohmann::json::parse(*content, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return bad("unparsable");
  auto healthy = j.find(kHealthy);
  auto pid = j.find(kPid);
  auto unix_ms = j.find(kUnixMs);
  if (healthy == j.end() || !healthy->is_boolean() || pid == j.end() || !pid->is_number_integer() ||
      unix_ms == j.end() || !unix_ms->is_number_integer())
    return bad("unparsable");

  // Checked before the writer's own verdict: a file left behind by a dead or hung vxsnd
  // may still say healthy=true.
  int64_t age_ms = now_unix_ms - unix_ms->get<int64_t>();
  if (age_ms > limits.stale_ms) return bad("stale (" + std::to_string(age_ms) + " ms old)");
  auto pid_value = pid->get<int64_t>();
  if (pid_value <= 0 || !pid_alive(static_cast<pid_t>(pid_value)))
    return bad("pid_dead (" + std::to_string(pid_value) + ")");
  if (!healthy->get<bool>()) {
    auto reason = j.find(kReason);
    return bad("unhealthy (" +
               (reason != j.end() && reason->is_string() ? reason->get<std::string>()
                                                         : std::string("no reason")) +
               ")");
  }
  return {true, "ok"};
}

}  // namespace vxsn
