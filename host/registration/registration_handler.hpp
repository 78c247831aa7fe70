// The protocol logic of the registration server without sockets: one datagram in, the store
// updated, reply datagrams out. The socket layer (RegistrationServer) and the fuzz target both
// drive this class.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include "host/registration/refresh_codec.hpp"
#include "host/registration/registration_counters.hpp"
#include "host/registration/source_rate_limiter.hpp"
#include "host/table/membership_store.hpp"

namespace vxsn {

// May `address` be a member of `vni` (and may `address`, as a requester, touch `vni`)?
using AccessCheck = std::function<bool(uint32_t vni, const IpAddr& address)>;

struct RegistrationHandlerConfig {
  uint32_t reply_holdtime_s = kDefaultHoldtime;  // the holdtime written in replies
  size_t max_request_bytes = kMaxRefreshBytes;   // longer datagrams are "oversized"
  RateLimit rate;                                // per requester address, whole datagrams
};

class RegistrationHandler {
 public:
  RegistrationHandler(MembershipStore& store, RegistrationHandlerConfig config,
                      SteadyNow now = std::chrono::steady_clock::now);

  // Replaces the allow-list check; an empty function allows everyone. Safe to call from
  // another thread while datagrams are being handled (config reload).
  void set_access_check(AccessCheck check);

  // Handles one datagram from `source` (the UDP source address, never trusted as a VTEP):
  // applies its registrations to the store and returns the reply datagrams, each at most
  // `max_reply_payload` bytes, in the requester's version. Not re-entrant: one caller thread.
  std::vector<std::vector<uint8_t>> handle(std::span<const uint8_t> datagram, const IpAddr& source,
                                           size_t max_reply_payload);

  // The socket layer reports what became of each reply datagram.
  void count_reply(bool sent);

  RegistrationCounters counters() const;

 private:
  struct AtomicCounters {
    std::atomic<uint64_t> received{0}, decoded{0}, applied{0}, withdrawn{0}, replies{0},
        reply_send_errors{0}, reply_unbuildable{0}, refused_not_allowed{0}, refused_rate{0},
        refused_limit{0}, refused_bad_address{0};
    std::array<std::atomic<uint64_t>, kRefreshDecodeErrorCount> malformed{};
  };
  static void bump(std::atomic<uint64_t>& c) { c.fetch_add(1, std::memory_order_relaxed); }
  std::shared_ptr<const AccessCheck> access_check() const;

  MembershipStore& store_;
  RegistrationHandlerConfig config_;
  SourceRateLimiter rate_;
  mutable std::mutex access_mutex_;
  std::shared_ptr<const AccessCheck> access_;
  AtomicCounters counters_;
};

}  // namespace vxsn
