// A connection to vxsnd's management API: the Unix socket by default, or TCP with TLS and a
// client certificate. Used by vxsnctl and by the API tests.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "host/api/tls_factory.hpp"
#include "vxsn_api/Management.h"

namespace vxsn {

inline constexpr const char* kDefaultApiSocket = "/run/vxsn/vxsnd.sock";

struct ConnectOptions {
  std::string socket_path = kDefaultApiSocket;
  std::string host;  // non-empty: TCP + TLS instead of the Unix socket
  uint16_t port = 0;
  TlsFiles tls;  // client certificate, its key, and the CA the server's certificate chains to
  uint32_t max_message_bytes = 64u << 20;  // replies (a big table) may exceed requests
  int timeout_ms = 10000;
};

class ApiClient {
 public:
  // Connects; throws apache::thrift::transport::TTransportException if it cannot.
  explicit ApiClient(const ConnectOptions& options);
  ~ApiClient();
  ApiClient(const ApiClient&) = delete;
  ApiClient& operator=(const ApiClient&) = delete;

  api::ManagementClient& operator*() { return *client_; }
  api::ManagementClient* operator->() { return client_.get(); }
  std::string endpoint() const { return endpoint_; }

 private:
  // Declared first so it is destroyed last: it owns the OpenSSL context the socket uses.
  std::shared_ptr<apache::thrift::transport::TSSLSocketFactory> tls_factory_keepalive_;
  std::shared_ptr<apache::thrift::transport::TTransport> transport_;
  std::unique_ptr<api::ManagementClient> client_;
  std::string endpoint_;
};

}  // namespace vxsn
