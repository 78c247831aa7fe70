// A plain HTTP/1.0 client over a TCP socket made inside a network namespace (vxsnd's
// endpoint listens on the service node namespace's loopback): no library between the test
// and the bytes the daemon sends.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace vxsn::test {

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
};

// Throws std::runtime_error when it cannot connect or the reply is not HTTP.
HttpResponse http_request(const std::string& netns, const std::string& host, uint16_t port,
                          const std::string& method, const std::string& path);

}  // namespace vxsn::test
