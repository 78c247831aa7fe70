#include "host/ctl/api_client.hpp"

#include <thrift/transport/TSocket.h>

#include "host/api/api_transport.hpp"

namespace vxsn {

using apache::thrift::transport::TSocket;

ApiClient::ApiClient(const ConnectOptions& options) {
  std::shared_ptr<TSocket> socket;
  if (options.host.empty()) {
    socket = std::make_shared<TSocket>(options.socket_path);
    endpoint_ = options.socket_path;
  } else {
    // The factory must outlive its sockets (it owns the OpenSSL context); the socket keeps
    // a reference to the context, and we keep the factory alive with the transport below.
    auto tls = make_tls_factory(options.tls, /*server=*/false);
    socket = tls->createSocket(options.host, options.port);
    endpoint_ = options.host + ":" + std::to_string(options.port);
    tls_factory_keepalive_ = tls;
  }
  socket->setConnTimeout(options.timeout_ms);
  socket->setRecvTimeout(options.timeout_ms);
  socket->setSendTimeout(options.timeout_ms);
  auto protocol = api_client_protocol(socket, options.max_message_bytes);
  transport_ = protocol->getTransport();
  transport_->open();
  client_ = std::make_unique<api::ManagementClient>(protocol);
}

ApiClient::~ApiClient() {
  try {
    if (transport_) transport_->close();
  } catch (...) {  // closing a broken connection: nothing left to report
  }
}

}  // namespace vxsn
