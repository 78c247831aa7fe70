#include "host/api/guarded_tls_server_socket.hpp"

#include <netinet/in.h>
#include <spdlog/spdlog.h>

namespace vxsn {
namespace {

using apache::thrift::transport::SSLContext;
using apache::thrift::transport::TSocket;
using apache::thrift::transport::TSSLSocket;
using apache::thrift::transport::TTransport;

IpAddr peer_address(const sockaddr* sa) {
  if (sa && sa->sa_family == AF_INET)
    return IpAddr::v4(
        reinterpret_cast<const uint8_t*>(&reinterpret_cast<const sockaddr_in*>(sa)->sin_addr));
  if (sa && sa->sa_family == AF_INET6)
    return IpAddr::v6(reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr.s6_addr).normalised();
  return {};
}

// A server-side TLS connection that holds its source's slot until it closes and keeps its
// handshake under the deadline until the handshake is done.
class GuardedTlsSocket : public TSSLSocket {
 public:
  GuardedTlsSocket(std::shared_ptr<SSLContext> ctx, THRIFT_SOCKET fd,
                   std::shared_ptr<THRIFT_SOCKET> interrupt, uint32_t idle_ms)
      : TSSLSocket(std::move(ctx), fd, std::move(interrupt)), idle_ms_(idle_ms) {
    server(true);
  }
  ~GuardedTlsSocket() override { release(); }

  void guard(std::unique_ptr<SourceAdmission::Slot> slot,
             std::unique_ptr<HandshakeDeadlines::Ticket> ticket) {
    slot_ = std::move(slot);
    ticket_ = std::move(ticket);
    // The deadline alone ends a handshake: a per-read timeout would let a client that sends
    // a byte now and then keep it going.
    setRecvTimeout(0);
  }

  void close() override {
    release();
    TSSLSocket::close();
  }

 protected:
  // Runs once the handshake succeeded and the client's certificate was checked.
  void authorize() override {
    TSSLSocket::authorize();
    if (ticket_) ticket_->finish();
    setRecvTimeout(static_cast<int>(idle_ms_));
  }

 private:
  void release() {
    if (ticket_) ticket_->finish();  // before the descriptor is closed
    if (slot_) slot_->release();
  }
  uint32_t idle_ms_;
  std::unique_ptr<SourceAdmission::Slot> slot_;
  std::unique_ptr<HandshakeDeadlines::Ticket> ticket_;
};

}  // namespace

GuardedTlsServerSocket::GuardedTlsServerSocket(const std::string& address, int port,
                                               std::shared_ptr<ApiTlsFactory> tls,
                                               TlsGuardSettings guards)
    : TSSLServerSocket(address, port, tls),
      tls_(std::move(tls)),
      guards_(guards),
      admission_(guards.per_source_limit),
      deadlines_(
          std::make_shared<HandshakeDeadlines>(std::chrono::milliseconds(guards.handshake_ms))) {
  setRecvTimeout(static_cast<int>(guards.idle_ms));
  setSendTimeout(static_cast<int>(guards.idle_ms));
}

std::shared_ptr<TSocket> GuardedTlsServerSocket::createSocket(THRIFT_SOCKET client) {
  return std::make_shared<GuardedTlsSocket>(
      tls_->context(), client, interruptableChildren_ ? pChildInterruptSockReader_ : nullptr,
      guards_.idle_ms);
}

std::shared_ptr<TTransport> GuardedTlsServerSocket::acceptImpl() {
  for (;;) {  // returns a connection, or throws when the listener is interrupted
    auto socket = std::static_pointer_cast<GuardedTlsSocket>(TSSLServerSocket::acceptImpl());
    socklen_t len = 0;
    const IpAddr source = peer_address(socket->getCachedAddress(&len));
    if (auto slot = admission_.admit(source)) {
      socket->guard(std::move(slot), deadlines_->watch(socket->getSocketFD()));
      return socket;
    }
    spdlog::debug("api: connection from {} refused: {} already open from there", source.to_string(),
                  guards_.per_source_limit);
    socket->close();
  }
}

}  // namespace vxsn
