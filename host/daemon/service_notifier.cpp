#include "host/daemon/service_notifier.hpp"

#include <systemd/sd-daemon.h>

#include <algorithm>
#include <cstdlib>

#include <spdlog/spdlog.h>

namespace vxsn {

ServiceNotifier::ServiceNotifier() {
  const char* socket = std::getenv("NOTIFY_SOCKET");
  enabled_ = socket != nullptr && *socket != '\0';
  if (!enabled_) return;
  uint64_t usec = 0;
  // > 0 only when WATCHDOG_USEC is set and WATCHDOG_PID, if set, is this process.
  if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0)
    watchdog_check_ms_ = static_cast<uint32_t>(std::max<uint64_t>(1, usec / 2000));
  spdlog::info("systemd: notifying {}{}", socket,
               watchdog_check_ms_
                   ? fmt::format(", watchdog checked every {} ms", watchdog_check_ms_)
                   : std::string());
}

void ServiceNotifier::send(const char* state) const {
  if (!enabled_) return;
  if (int r = sd_notify(0, state); r < 0)
    spdlog::warn("systemd: sd_notify({}) failed: {}", state, r);
}

void ServiceNotifier::ready() const {
  send("READY=1");
}

void ServiceNotifier::reloading() const {
  send("RELOADING=1");
}

void ServiceNotifier::stopping() const {
  send("STOPPING=1");
}

bool ServiceNotifier::watchdog(uint64_t poll_turns) {
  if (!enabled_ || poll_turns == last_turns_) return false;
  last_turns_ = poll_turns;
  send("WATCHDOG=1");
  return true;
}

}  // namespace vxsn
