#include "driver/net_types.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cstdio>

namespace vxsn {

std::string MacAddr::to_string() const {
  char buf[18];
  std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", bytes[0], bytes[1], bytes[2],
                bytes[3], bytes[4], bytes[5]);
  return buf;
}

std::optional<MacAddr> MacAddr::parse(std::string_view text) {
  MacAddr m;
  unsigned v[6];
  char tail;
  std::string s(text);
  if (std::sscanf(s.c_str(), "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
                  &tail) != 6)
    return std::nullopt;
  for (int i = 0; i < 6; ++i) m.bytes[i] = static_cast<uint8_t>(v[i]);
  return m;
}

std::optional<IpAddr> IpAddr::parse(std::string_view text) {
  // inet_pton reads a C string: "10.0.0.1\0x" would parse as 10.0.0.1 and the rest vanish.
  if (text.find('\0') != std::string_view::npos) return std::nullopt;
  std::string s(text);
  IpAddr a;
  if (inet_pton(AF_INET, s.c_str(), a.bytes.data()) == 1) {
    a.family = Family::kV4;
    return a;
  }
  if (inet_pton(AF_INET6, s.c_str(), a.bytes.data()) == 1) {
    a.family = Family::kV6;
    return a.normalised();
  }
  return std::nullopt;
}

IpAddr IpAddr::normalised() const {
  static constexpr std::array<uint8_t, 12> kV4MappedPrefix{0, 0, 0, 0, 0,    0,
                                                           0, 0, 0, 0, 0xff, 0xff};
  if (!is_v6() || !std::equal(kV4MappedPrefix.begin(), kV4MappedPrefix.end(), bytes.begin()))
    return *this;
  return v4(bytes.data() + kV4MappedPrefix.size());
}

std::string IpAddr::to_string() const {
  char buf[INET6_ADDRSTRLEN];
  if (is_v4()) return inet_ntop(AF_INET, bytes.data(), buf, sizeof buf);
  if (is_v6()) return inet_ntop(AF_INET6, bytes.data(), buf, sizeof buf);
  return "none";
}

}  // namespace vxsn
