// Wraps the generated processor so that a request the server cannot read (not the binary
// protocol, a frame or string over the size limit, a bad length) is answered with a
// TApplicationException saying why, and then the connection is closed. Without this the
// client would only see its connection drop.
#pragma once

#include <memory>

#include <thrift/TProcessor.h>

namespace vxsn {

class ErrorReplyProcessor : public apache::thrift::TProcessor {
 public:
  explicit ErrorReplyProcessor(std::shared_ptr<apache::thrift::TProcessor> inner);
  bool process(std::shared_ptr<apache::thrift::protocol::TProtocol> in,
               std::shared_ptr<apache::thrift::protocol::TProtocol> out,
               void* connection_context) override;

 private:
  std::shared_ptr<apache::thrift::TProcessor> inner_;
};

}  // namespace vxsn
