// ZeroMQ's ZAP protocol (RFC 27) for CURVE: libzmq asks, over an inproc REP socket in the
// same context, whether a client's public key may connect; we answer from the configured
// peers' keys. Driven from the replicator's poll loop, so no extra thread.
#pragma once

#include <zmq.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <string>

namespace vxsn {

class ZapAuthenticator {
 public:
  // `allowed` maps a Z85 public key to the peer name logged on success.
  using OnRefused = std::function<void(const std::string& address, const std::string& key_z85)>;
  ZapAuthenticator(zmq::context_t& ctx, std::map<std::string, std::string> allowed,
                   OnRefused on_refused);

  zmq::socket_t& socket() { return rep_; }
  // Answers one pending request (call when the socket is readable).
  void handle_one();

 private:
  zmq::socket_t rep_;
  std::map<std::string, std::string> allowed_;  // Z85 key -> peer name
  OnRefused on_refused_;
};

}  // namespace vxsn
