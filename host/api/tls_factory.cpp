#include "host/api/tls_factory.hpp"

#include <openssl/ssl.h>

namespace vxsn {

using apache::thrift::transport::TSSLSocketFactory;

// Thrift keeps the OpenSSL context to itself; the protocol floor needs it.
ApiTlsFactory::ApiTlsFactory() : TSSLSocketFactory(apache::thrift::transport::SSLTLS) {
  SSL_CTX_set_min_proto_version(ctx_->get(), TLS1_2_VERSION);
}

std::shared_ptr<ApiTlsFactory> make_tls_factory(const TlsFiles& files, bool server) {
  auto factory = std::make_shared<ApiTlsFactory>();
  factory->server(server);
  if (!files.cert.empty()) factory->loadCertificate(files.cert.c_str());
  if (!files.key.empty()) factory->loadPrivateKey(files.key.c_str());
  if (!files.ca.empty()) factory->loadTrustedCertificates(files.ca.c_str());
  // Server: no certificate, or one not signed by the CA, fails the handshake.
  // Client: the server's certificate must chain to the CA and name the host dialled.
  factory->authenticate(true);
  return factory;
}

}  // namespace vxsn
