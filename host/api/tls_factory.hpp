// TLS for the management API over TCP, the same on both ends: TLS 1.2 or later, our own
// certificate and key, and a CA that the other end's certificate must chain to. The server
// requires a client certificate; the client checks the server's name or address.
#pragma once

#include <memory>
#include <string>

#include <thrift/transport/TSSLSocket.h>

namespace vxsn {

struct TlsFiles {
  std::string cert, key, ca;  // PEM paths
};

// Thrift's factory with the protocol floor set, and its OpenSSL context in reach of a
// server socket that makes its own kind of connection (GuardedTlsServerSocket).
class ApiTlsFactory : public apache::thrift::transport::TSSLSocketFactory {
 public:
  ApiTlsFactory();
  std::shared_ptr<apache::thrift::transport::SSLContext> context() const { return ctx_; }
};

// Throws apache::thrift::transport::TSSLException (unreadable or mismatched files).
std::shared_ptr<ApiTlsFactory> make_tls_factory(const TlsFiles& files, bool server);

}  // namespace vxsn
