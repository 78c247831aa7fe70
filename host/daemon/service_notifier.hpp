// What systemd hears from vxsnd (sd_notify): READY=1 once frames are forwarded, RELOADING=1
// and READY=1 around a SIGHUP reload, STOPPING=1 when draining begins, and WATCHDOG=1 only
// while the datapath's poll loops turn, so a hung datapath (not just a hung process) gets
// the service restarted. Outside systemd (NOTIFY_SOCKET unset) every call does nothing.
//
// Control thread only.
#pragma once

#include <cstdint>

namespace vxsn {

class ServiceNotifier {
 public:
  // Reads NOTIFY_SOCKET and WATCHDOG_USEC (and WATCHDOG_PID) from the environment once.
  ServiceNotifier();

  bool enabled() const { return enabled_; }
  void ready() const;
  void reloading() const;
  void stopping() const;

  // How often to call watchdog(): half of systemd's WATCHDOG_USEC, so one missed check
  // still leaves a ping in time. 0: systemd keeps no watchdog on this process.
  uint32_t watchdog_check_ms() const { return watchdog_check_ms_; }
  // Sends WATCHDOG=1 if `poll_turns` (Forwarding::poll_turns) moved since the last call;
  // returns whether it did. A stuck poll loop stops the pings and systemd restarts us.
  bool watchdog(uint64_t poll_turns);

 private:
  void send(const char* state) const;

  bool enabled_ = false;
  uint32_t watchdog_check_ms_ = 0;
  uint64_t last_turns_ = 0;  // the datapath starts at 0 turns
};

}  // namespace vxsn
