// The [metrics] table: where vxsnd serves its Prometheus endpoint.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "host/config/config.hpp"

namespace vxsn {

struct ListenAddress {
  std::string address;
  uint16_t port = 0;
};

// "9464" or ":9464" (localhost), "10.0.0.1:9464", "[::1]:9464". A port must be 1..65535 and
// an address a literal (no names: what the daemon binds must not depend on DNS). The reason
// when the text is none of these.
std::optional<ListenAddress> parse_listen_address(std::string_view text, std::string* why);

// How the endpoint appears in logs and in civetweb's listening_ports: "127.0.0.1:9464",
// "[::1]:9464".
std::string listen_text(const MetricsSettings& m);

}  // namespace vxsn
