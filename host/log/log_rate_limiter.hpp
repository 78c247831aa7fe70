// Messages that one packet, one datagram or one event can cause (a learned VTEP, a refused
// registration, a malformed message) would let a sender fill the log: each kind may log
// at most `per_second` lines per second. The rest are counted, and the kind's next line,
// or a periodic flush, says "suppressed K similar messages". Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

namespace vxsn {

class LogRateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  using Now = std::function<Clock::time_point()>;

  struct Decision {
    bool log = false;         // this line may be logged
    uint64_t suppressed = 0;  // lines of this kind dropped in the window that just closed
  };

  explicit LogRateLimiter(uint32_t per_second = 10, Now now = {});

  // One line of `kind` wants out now. `kind` is a short constant naming the message.
  Decision admit(const std::string& kind);
  // Kinds whose window has closed with lines suppressed, and how many (then forgotten):
  // what a periodic flush reports when a kind has gone quiet.
  std::vector<std::pair<std::string, uint64_t>> take_suppressed();

 private:
  struct Window {
    Clock::time_point start;
    uint32_t logged = 0;
    uint64_t suppressed = 0;
  };
  bool window_over(const Window& w, Clock::time_point now) const;

  uint32_t per_second_;
  Now now_;
  std::mutex mutex_;
  std::unordered_map<std::string, Window> kinds_;
};

// The daemon's one limiter (10 lines per kind per second).
LogRateLimiter& log_limiter();

// Logs the "suppressed" line of `kind` (if any) and then the message, if the limiter lets it.
template <class... Args>
void log_limited(const std::string& kind, spdlog::level::level_enum level,
                 spdlog::format_string_t<Args...> fmt, Args&&... args) {
  if (!spdlog::should_log(level)) return;
  const LogRateLimiter::Decision d = log_limiter().admit(kind);
  if (d.suppressed) spdlog::log(level, "{}: {} similar message(s) suppressed", kind, d.suppressed);
  if (d.log) spdlog::log(level, fmt, std::forward<Args>(args)...);
}

// The "suppressed" lines of kinds that went quiet (call now and then, e.g. every second).
void flush_suppressed_logs();

}  // namespace vxsn
