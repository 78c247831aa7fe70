// The protocol logic of the registration server without sockets: one datagram in, the store
// updated, reply datagrams out. The socket layer (RegistrationServer) and the fuzz target both
// drive this class.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include "host/registration/refresh_codec.hpp"
#include "host/registration/registration_counters.hpp"
#include "host/registration/registration_quota.hpp"
#include "host/registration/reply_builder.hpp"
#include "host/registration/source_rate_limiter.hpp"
#include "host/table/membership_store.hpp"

namespace vxsn {

inline constexpr uint32_t kDefaultMaxHoldtime = 900;
inline constexpr uint32_t kDefaultMaxReplyFactor = 4;

// May `address` be a member of `vni` (and may `address`, as a requester, touch `vni`)?
using AccessCheck = std::function<bool(uint32_t vni, const IpAddr& address)>;

// The registration limits a reload may change (RegistrationHandler::set_limits).
struct RegistrationLimits {
  uint32_t reply_holdtime_s = kDefaultHoldtime;  // the holdtime written in replies
  // Longer holdtimes, "never expires" (65535) included, are clamped to this and counted.
  uint32_t max_holdtime_s = kDefaultMaxHoldtime;
  QuotaLimits quota;  // registrations held per identifier, per source, in all
  // Amplification bound: the reply datagrams to one request hold at most this many times
  // the request's UDP payload bytes; the rest is left out and counted. 0: no bound (only for
  // tests of reply splitting; the config accepts 1..64).
  uint32_t max_reply_factor = kDefaultMaxReplyFactor;
};

struct RegistrationHandlerConfig {
  RegistrationLimits limits;
  size_t max_request_bytes = kMaxRefreshBytes;  // longer datagrams are "oversized"
  RateLimit rate;                               // per requester address, whole datagrams
};

class RegistrationHandler {
 public:
  RegistrationHandler(MembershipStore& store, RegistrationHandlerConfig config,
                      SteadyNow now = std::chrono::steady_clock::now);

  // Replaces the allow-list check; an empty function allows everyone. Safe to call from
  // another thread while datagrams are being handled (config reload).
  void set_access_check(AccessCheck check);
  // Replaces the limits, from any thread (config reload); the next datagram sees them.
  void set_limits(const RegistrationLimits& limits);

  // Handles one datagram from `source` (the UDP source address, never trusted as a VTEP):
  // applies its registrations to the store and returns the reply datagrams, each at most
  // `max_reply_payload` bytes, in the requester's version, and all together at most
  // max_reply_factor times the datagram's size. An "all VNIs" request (and every v1 one) is
  // answered for the VNIs it names and those `source` is itself a member of, never for the
  // whole table. Not re-entrant: one caller thread.
  std::vector<std::vector<uint8_t>> handle(std::span<const uint8_t> datagram, const IpAddr& source,
                                           size_t max_reply_payload);

  // The socket layer reports what became of each reply datagram.
  void count_reply(bool sent);

  RegistrationCounters counters() const;

 private:
  struct AtomicCounters {
    std::atomic<uint64_t> received{0}, decoded{0}, applied{0}, withdrawn{0}, replies{0},
        reply_send_errors{0}, reply_unbuildable{0}, replies_truncated{0}, holdtime_clamped{0},
        refused_not_allowed{0}, refused_datagram_rate{0}, refused_rate{0}, refused_limit{0},
        refused_identifier_limit{0}, refused_source_limit{0}, refused_tracking_full{0},
        refused_bad_address{0};
    std::array<std::atomic<uint64_t>, kRefreshDecodeErrorCount> malformed{};
  };
  // The requested VNIs the requester may see, by VNI, with its own addresses in each.
  using ReplyPlan = std::map<uint32_t, ReplyVni>;

  static void bump(std::atomic<uint64_t>& c) { c.fetch_add(1, std::memory_order_relaxed); }
  std::shared_ptr<const AccessCheck> access_check() const;
  std::shared_ptr<const RegistrationLimits> limits() const;
  // Applies one registration or withdrawal; true if the requester's reply lists `vtep` as
  // its own address.
  bool apply(uint32_t vni, const IpAddr& vtep, const RefreshMessage& request, const IpAddr& source,
             const RegistrationLimits& limits);
  // The VNIs of the table `source` is itself a member of (and may see), added to `plan`.
  void add_own_vnis(ReplyPlan& plan, const IpAddr& source, const AccessCheck* access) const;

  MembershipStore& store_;
  RegistrationHandlerConfig config_;
  SourceRateLimiter rate_;
  RegistrationQuota quota_;
  mutable std::mutex shared_mutex_;  // guards access_ and limits_ (replaced on reload)
  std::shared_ptr<const AccessCheck> access_;
  std::shared_ptr<const RegistrationLimits> limits_;
  AtomicCounters counters_;
};

}  // namespace vxsn
