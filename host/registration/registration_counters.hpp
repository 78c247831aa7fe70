// What the registration server did, by reason; a plain snapshot the daemon can print.
#pragma once

#include <array>
#include <cstdint>
#include <numeric>

#include "host/registration/refresh_decode_error.hpp"

namespace vxsn {

struct RegistrationCounters {
  uint64_t received = 0;           // datagrams read from the socket
  uint64_t decoded = 0;            // datagrams that were a well-formed REFRESH
  uint64_t applied = 0;            // (VNI, VTEP) registrations the store took, withdrawals included
  uint64_t withdrawn = 0;          // of those, holdtime-0 withdrawals
  uint64_t replies = 0;            // reply datagrams sent
  uint64_t reply_send_errors = 0;  // reply datagrams the socket refused (buffer full, ...)
  uint64_t reply_unbuildable = 0;  // replies the MTU could not hold (MTU far too small)
  // Requests whose reply was cut (or left out) to stay within max_reply_factor x the request.
  uint64_t replies_truncated = 0;
  uint64_t holdtime_clamped = 0;  // requests whose holdtime was above max_holdtime_s
  // Malformed datagrams by reason, indexed by RefreshDecodeError ([kNone] stays 0).
  std::array<uint64_t, kRefreshDecodeErrorCount> malformed{};
  // Whole datagrams over the requester's datagram rate (RegistrationHandlerConfig::rate).
  uint64_t refused_datagram_rate = 0;
  // Per (VNI, VTEP) of a request.
  uint64_t refused_not_allowed = 0;
  uint64_t refused_rate = 0;              // over the table's registration_rate for the requester
  uint64_t refused_limit = 0;             // the table's own limits (VNIs, members, entries)
  uint64_t refused_identifier_limit = 0;  // the identifier holds max_registrations_per_identifier
  uint64_t refused_source_limit = 0;      // the source holds max_registrations_per_source
  uint64_t refused_tracking_full = 0;     // the server tracks as many registrations as it may
  uint64_t refused_bad_address = 0;  // a VTEP address no member may have (loopback, multicast...)

  uint64_t malformed_total() const {
    return std::accumulate(malformed.begin(), malformed.end(), uint64_t{0});
  }
  uint64_t malformed_by(RefreshDecodeError e) const { return malformed[static_cast<size_t>(e)]; }
};

}  // namespace vxsn
