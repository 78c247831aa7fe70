#include "host/api/error_reply_processor.hpp"

#include <spdlog/spdlog.h>
#include <thrift/TApplicationException.h>
#include <thrift/protocol/TProtocolException.h>
#include <thrift/transport/TTransportException.h>

namespace vxsn {

using apache::thrift::TApplicationException;
using apache::thrift::protocol::TProtocol;
using apache::thrift::protocol::TProtocolException;
using apache::thrift::transport::TTransportException;

namespace {

// Best effort: the client may already be gone.
void reply_error(TProtocol& out, const std::string& why) {
  try {
    TApplicationException error(TApplicationException::PROTOCOL_ERROR,
                                "vxsnd refused the request: " + why);
    out.writeMessageBegin("", apache::thrift::protocol::T_EXCEPTION, 0);
    error.write(&out);
    out.writeMessageEnd();
    out.getTransport()->writeEnd();
    out.getTransport()->flush();
  } catch (const std::exception&) {
  }
}

}  // namespace

ErrorReplyProcessor::ErrorReplyProcessor(std::shared_ptr<apache::thrift::TProcessor> inner)
    : inner_(std::move(inner)) {}

bool ErrorReplyProcessor::process(std::shared_ptr<TProtocol> in, std::shared_ptr<TProtocol> out,
                                  void* connection_context) {
  try {
    return inner_->process(in, out, connection_context);
  } catch (const TProtocolException& e) {
    spdlog::debug("api: unreadable request: {}", e.what());
    reply_error(*out, e.what());
    return false;
  } catch (const TTransportException& e) {
    if (e.getType() != TTransportException::CORRUPTED_DATA) throw;  // EOF, timeout: just close
    spdlog::debug("api: unreadable request: {}", e.what());
    reply_error(*out, e.what());
    return false;
  }
}

}  // namespace vxsn
