#include "host/api/api_transport.hpp"

namespace vxsn {

using apache::thrift::TConfiguration;
using apache::thrift::protocol::TBinaryProtocol;
using apache::thrift::protocol::TBinaryProtocolFactory;
using apache::thrift::protocol::TProtocol;
using apache::thrift::protocol::TProtocolFactory;
using apache::thrift::transport::TFramedTransport;
using apache::thrift::transport::TTransport;

std::shared_ptr<TConfiguration> api_configuration(uint32_t max_message_bytes) {
  const int max = static_cast<int>(max_message_bytes);
  return std::make_shared<TConfiguration>(max, max, TConfiguration::DEFAULT_RECURSION_DEPTH);
}

BoundedFramedTransportFactory::BoundedFramedTransportFactory(uint32_t max_message_bytes)
    : config_(api_configuration(max_message_bytes)) {}

std::shared_ptr<TTransport> BoundedFramedTransportFactory::getTransport(
    std::shared_ptr<TTransport> inner) {
  return std::make_shared<TFramedTransport>(std::move(inner), config_);
}

std::shared_ptr<TProtocolFactory> api_protocol_factory(uint32_t max_message_bytes) {
  const int32_t max = static_cast<int32_t>(max_message_bytes);
  // Strict read: a message without the binary protocol's version word is refused at once.
  return std::make_shared<TBinaryProtocolFactory>(max, max, /*strict_read=*/true,
                                                  /*strict_write=*/true);
}

std::shared_ptr<TProtocol> api_client_protocol(std::shared_ptr<TTransport> socket,
                                               uint32_t max_message_bytes) {
  auto framed =
      std::make_shared<TFramedTransport>(std::move(socket), api_configuration(max_message_bytes));
  const int32_t max = static_cast<int32_t>(max_message_bytes);
  return std::make_shared<TBinaryProtocol>(framed, max, max, true, true);
}

}  // namespace vxsn
