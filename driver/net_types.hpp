// Small value types for addresses, shared by the driver and the host daemon.
#pragma once

#include <array>
#include <bit>
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
  // Family, then the bytes in order, as a defaulted comparison would, but on two 64-bit
  // words instead of a byte loop: tables of a million members sort and compare these.
  std::strong_ordering operator<=>(const IpAddr& o) const {
    if (family != o.family) return family <=> o.family;
    if (const uint64_t a = high_word(), b = o.high_word(); a != b) return a <=> b;
    return low_word() <=> o.low_word();
  }
  bool operator==(const IpAddr& o) const {
    return family == o.family && std::memcmp(bytes.data(), o.bytes.data(), 16) == 0;
  }

 private:
  static uint64_t big_endian_word(const uint8_t* p) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    // The first byte most significant: byte order = word order.
    if constexpr (std::endian::native == std::endian::little) w = __builtin_bswap64(w);
    return w;
  }
  uint64_t high_word() const { return big_endian_word(bytes.data()); }
  uint64_t low_word() const { return big_endian_word(bytes.data() + 8); }
};

// Two multiply-xorshift rounds over the address's two words: every byte reaches every bit
// of the result (consecutive addresses spread over the buckets), in a few cycles instead of
// one multiply per byte; tables of a million members hash these on every restore.
struct IpAddrHash {
  size_t operator()(const IpAddr& a) const noexcept {
    uint64_t high, low;
    std::memcpy(&high, a.bytes.data(), 8);
    std::memcpy(&low, a.bytes.data() + 8, 8);
    uint64_t h = (high ^ static_cast<uint8_t>(a.family)) * 0x9e3779b97f4a7c15ull;
    h = (h ^ (h >> 32) ^ low) * 0xd6e8feb86659fd93ull;
    return h ^ (h >> 32);
  }
};

}  // namespace vxsn
