#include "host/config/member_address.hpp"

#include <algorithm>

namespace vxsn {
namespace {

std::optional<std::string> v4_problem(const uint8_t* b) {
  if (b[0] == 0) return "in 0.0.0.0/8 (this host on this network, not a VTEP)";
  if (b[0] == 127) return "a loopback address";
  if (b[0] >= 224 && b[0] <= 239) return "a multicast address";
  if (b[0] >= 240) return "a reserved or broadcast address";
  return std::nullopt;
}

std::optional<std::string> v6_problem(const uint8_t* b) {
  const bool first15_zero = std::all_of(b, b + 15, [](uint8_t x) { return x == 0; });
  if (first15_zero && b[15] == 0) return "the unspecified address";
  if (first15_zero && b[15] == 1) return "a loopback address";
  if (b[0] == 0xff) return "a multicast address";
  return std::nullopt;
}

}  // namespace

std::optional<std::string> member_address_problem(const IpAddr& address) {
  const IpAddr a = address.normalised();
  if (a.is_v4()) {
    const bool zero =
        std::all_of(a.bytes.begin(), a.bytes.begin() + 4, [](uint8_t x) { return !x; });
    if (zero) return "the unspecified address";
    return v4_problem(a.bytes.data());
  }
  if (a.is_v6()) return v6_problem(a.bytes.data());
  return "not an address";
}

}  // namespace vxsn
