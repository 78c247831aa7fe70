// Small value types for addresses, shared by the driver and the host daemon.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace vxsn {

struct MacAddr {
  std::array<uint8_t, 6> bytes{};

  bool is_zero() const { return bytes == std::array<uint8_t, 6>{}; }
  std::string to_string() const;
  static std::optional<MacAddr> parse(std::string_view text);
  auto operator<=>(const MacAddr&) const = default;
};

// An IPv4 or IPv6 address in network byte order. IPv4 uses the first 4 bytes.
struct IpAddr {
  enum class Family : uint8_t { kNone = 0, kV4 = 4, kV6 = 6 };
  Family family = Family::kNone;
  std::array<uint8_t, 16> bytes{};

  static IpAddr v4(const uint8_t* network_order) {
    IpAddr a;
    a.family = Family::kV4;
    std::memcpy(a.bytes.data(), network_order, 4);
    return a;
  }
  static IpAddr v6(const uint8_t* network_order) {
    IpAddr a;
    a.family = Family::kV6;
    std::memcpy(a.bytes.data(), network_order, 16);
    return a;
  }
  // "10.0.0.1" or "fd00::1"; nullopt for anything else, an embedded NUL or trailing bytes
  // included. An IPv4-mapped IPv6 form ("::ffff:10.0.0.1") yields the IPv4 address.
  static std::optional<IpAddr> parse(std::string_view text);

  // The address every comparison should see: IPv4-mapped IPv6 (::ffff:a.b.c.d) becomes
  // IPv4, so "::ffff:<service address>" is the service address; anything else unchanged.
  // The one place the mapping is undone: parse() and addresses read off the wire use it.
  IpAddr normalised() const;

  bool is_v4() const { return family == Family::kV4; }
  bool is_v6() const { return family == Family::kV6; }
  unsigned size() const { return is_v4() ? 4 : is_v6() ? 16 : 0; }
  std::string to_string() const;
  auto operator<=>(const IpAddr&) const = default;
};

struct IpAddrHash {
  size_t operator()(const IpAddr& a) const noexcept {
    uint64_t h = 1469598103934665603ull ^ static_cast<uint8_t>(a.family);
    for (uint8_t b : a.bytes) h = (h ^ b) * 1099511628211ull;
    return h;
  }
};

}  // namespace vxsn
