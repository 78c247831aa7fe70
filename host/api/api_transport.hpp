// How both ends of the management API talk: a framed transport (every message is one
// length-prefixed frame) and the strict binary protocol (every message starts with a version
// word), both with size limits, so a garbage stream or a huge length prefix is refused
// after reading four bytes instead of being buffered.
#pragma once

#include <cstdint>
#include <memory>

#include <thrift/TConfiguration.h>
#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/transport/TBufferTransports.h>

namespace vxsn {

// Frames, messages, strings and containers are all bounded by `max_message_bytes`.
std::shared_ptr<apache::thrift::TConfiguration> api_configuration(uint32_t max_message_bytes);

class BoundedFramedTransportFactory : public apache::thrift::transport::TTransportFactory {
 public:
  explicit BoundedFramedTransportFactory(uint32_t max_message_bytes);
  std::shared_ptr<apache::thrift::transport::TTransport> getTransport(
      std::shared_ptr<apache::thrift::transport::TTransport> inner) override;

 private:
  std::shared_ptr<apache::thrift::TConfiguration> config_;
};

std::shared_ptr<apache::thrift::protocol::TProtocolFactory> api_protocol_factory(
    uint32_t max_message_bytes);

// The client side of the same: wraps a socket into a framed binary protocol.
std::shared_ptr<apache::thrift::protocol::TProtocol> api_client_protocol(
    std::shared_ptr<apache::thrift::transport::TTransport> socket, uint32_t max_message_bytes);

}  // namespace vxsn
