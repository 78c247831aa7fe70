// The management API server inside vxsnd: a Unix socket (mode 0660, owned by the configured
// group) and, when configured, a TCP listener that speaks only TLS and accepts only clients
// presenting a certificate signed by the configured CA. Each listener serves on its own
// threads, one per client, at most max_connections clients at a time (the rest wait in the
// accept queue), so a slow or silent client holds its own thread and nobody else's; a silent
// client is dropped after idle_timeout_ms; a frame larger than max_request_bytes or anything
// that is not the binary protocol closes that connection and nothing else. The TLS listener
// also closes at accept a connection over max_connections_per_source from one address and
// gives a TLS handshake idle_timeout_ms in all (GuardedTlsServerSocket), so connections that
// never finish a handshake cannot take the threads the trusted clients need.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>

#include "host/api/api_connection_counters.hpp"
#include "host/api/management_backend.hpp"
#include "host/config/config.hpp"

namespace vxsn {

class ApiServerError : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

class ApiServer {
 public:
  ApiServer(ApiSettings settings, ManagementBackend& backend, std::string software_version);
  ~ApiServer();  // stop()
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // Binds and listens on every configured endpoint before returning, so a socket already in
  // use, an unknown group or an unreadable certificate is reported here (ApiServerError).
  // A stale socket file (nobody listening) is replaced.
  void start();
  // Closes the listeners, disconnects clients, joins the threads, removes the socket file.
  void stop();

  // The TCP port actually bound (settings' port, or the kernel's choice); 0 without TCP.
  uint16_t tcp_port() const;

  // Connections refused and handshakes cut off so far (thread-safe; zeros before start()).
  ApiConnectionCounters connection_counters() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vxsn
