#include "host/ha/zap_authenticator.hpp"

#include <array>
#include <vector>

namespace vxsn {

ZapAuthenticator::ZapAuthenticator(zmq::context_t& ctx, std::map<std::string, std::string> allowed,
                                   OnRefused on_refused)
    : rep_(ctx, zmq::socket_type::rep),
      allowed_(std::move(allowed)),
      on_refused_(std::move(on_refused)) {
  rep_.set(zmq::sockopt::linger, 0);
  // The well-known endpoint libzmq calls for every handshake in this context.
  rep_.bind("inproc://zeromq.zap.01");
}

void ZapAuthenticator::handle_one() {
  // Request: version, request id, domain, address, routing id, mechanism, credentials...
  std::vector<zmq::message_t> frames;
  while (true) {
    zmq::message_t m;
    if (!rep_.recv(m, zmq::recv_flags::dontwait)) break;
    bool more = m.more();
    frames.push_back(std::move(m));
    if (!more) break;
  }
  if (frames.empty()) return;
  std::string request_id = frames.size() > 1 ? frames[1].to_string() : std::string();
  std::string address = frames.size() > 3 ? frames[3].to_string() : std::string();
  std::string mechanism = frames.size() > 5 ? frames[5].to_string() : std::string();
  std::string key_z85;
  bool ok = false;
  if (mechanism == "CURVE" && frames.size() > 6 && frames[6].size() == 32) {
    std::array<char, 41> z85{};
    zmq_z85_encode(z85.data(), static_cast<const uint8_t*>(frames[6].data()), 32);
    key_z85 = z85.data();
    ok = allowed_.count(key_z85) > 0;
  }
  if (!ok) on_refused_(address, key_z85.empty() ? "(mechanism " + mechanism + ")" : key_z85);
  std::array<std::string, 6> reply{"1.0",
                                   request_id,
                                   ok ? "200" : "400",
                                   ok ? "OK" : "unknown public key",
                                   ok ? allowed_[key_z85] : std::string(),
                                   std::string()};
  for (size_t i = 0; i < reply.size(); ++i)
    rep_.send(zmq::buffer(reply[i]),
              i + 1 < reply.size() ? zmq::send_flags::sndmore : zmq::send_flags::none);
}

}  // namespace vxsn
