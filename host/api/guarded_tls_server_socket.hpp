// The API's TLS listener: Thrift's TSSLServerSocket with the two guards a listener exposed
// to the network needs before any client has proven who it is.
//  - At most `per_source_limit` connections per source address (SourceAdmission): one more
//    is closed at accept, counted, and never gets a server thread.
//  - One deadline (`handshake_ms`, from accept) for the whole TLS handshake
//    (HandshakeDeadlines); after it, the receive timeout (`idle_ms`) applies per read.
#pragma once

#include <cstdint>
#include <memory>

#include <thrift/transport/TSSLServerSocket.h>

#include "host/api/handshake_deadlines.hpp"
#include "host/api/source_admission.hpp"
#include "host/api/tls_factory.hpp"

namespace vxsn {

struct TlsGuardSettings {
  uint32_t per_source_limit;
  uint32_t handshake_ms;
  uint32_t idle_ms;
};

class GuardedTlsServerSocket : public apache::thrift::transport::TSSLServerSocket {
 public:
  GuardedTlsServerSocket(const std::string& address, int port, std::shared_ptr<ApiTlsFactory> tls,
                         TlsGuardSettings guards);

  uint64_t connections_refused() const { return admission_.refused(); }
  uint64_t handshake_timeouts() const { return deadlines_->expired(); }

 protected:
  std::shared_ptr<apache::thrift::transport::TTransport> acceptImpl() override;
  std::shared_ptr<apache::thrift::transport::TSocket> createSocket(THRIFT_SOCKET client) override;

 private:
  std::shared_ptr<ApiTlsFactory> tls_;
  TlsGuardSettings guards_;
  SourceAdmission admission_;
  std::shared_ptr<HandshakeDeadlines> deadlines_;
};

}  // namespace vxsn
