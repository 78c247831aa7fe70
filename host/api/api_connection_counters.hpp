// What the API server's listeners refused to spend a thread on (stats file `api`, getInfo).
#pragma once

#include <cstdint>
#include <functional>

namespace vxsn {

struct ApiConnectionCounters {
  uint64_t connections_refused = 0;  // over api.max_connections_per_source, closed at accept
  uint64_t handshake_timeouts = 0;   // TLS handshakes cut off at api.idle_timeout_ms
};

using ApiConnectionCountersSource = std::function<ApiConnectionCounters()>;

}  // namespace vxsn
