#include "host/config/metrics_settings.hpp"

#include <charconv>

namespace vxsn {

std::optional<ListenAddress> parse_listen_address(std::string_view text, std::string* why) {
  ListenAddress out{"127.0.0.1", 0};
  std::string_view port = text;
  if (!text.empty() && text.front() == '[') {  // [v6]:port
    const auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      *why = "expected [IPv6]:PORT";
      return std::nullopt;
    }
    out.address = std::string(text.substr(1, close - 1));
    port = text.substr(close + 2);
    if (!IpAddr::parse(out.address) || !IpAddr::parse(out.address)->is_v6()) {
      *why = "not an IPv6 address: '" + out.address + "'";
      return std::nullopt;
    }
  } else if (const auto colon = text.rfind(':'); colon != std::string_view::npos) {
    if (colon > 0) {
      out.address = std::string(text.substr(0, colon));
      // A bare IPv6 address without brackets is ambiguous with its port.
      if (!IpAddr::parse(out.address) || !IpAddr::parse(out.address)->is_v4()) {
        *why = "not an IPv4 address: '" + out.address + "' (IPv6 as [ADDRESS]:PORT)";
        return std::nullopt;
      }
    }
    port = text.substr(colon + 1);
  }
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value < 1 ||
      value > 65535) {
    *why = "expected PORT, ADDRESS:PORT or [IPv6]:PORT with a port 1..65535, got '" +
           std::string(text) + "'";
    return std::nullopt;
  }
  out.port = static_cast<uint16_t>(value);
  return out;
}

std::string listen_text(const MetricsSettings& m) {
  const bool v6 = m.address.find(':') != std::string::npos;
  return (v6 ? "[" + m.address + "]" : m.address) + ":" + std::to_string(m.port);
}

}  // namespace vxsn
