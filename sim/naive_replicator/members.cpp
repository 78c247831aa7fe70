#include "sim/naive_replicator/members.hpp"

#include <arpa/inet.h>

#include <cstddef>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace vxsn::naive {

bool parse_endpoint(const std::string& text, uint16_t port, Endpoint& out) {
  out = Endpoint{};
  auto* v4 = reinterpret_cast<sockaddr_in*>(&out.addr);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&out.addr);
  if (::inet_pton(AF_INET, text.c_str(), &v4->sin_addr) == 1) {
    out.addr.ss_family = AF_INET;
    out.len = sizeof(sockaddr_in);
  } else if (::inet_pton(AF_INET6, text.c_str(), &v6->sin6_addr) == 1) {
    out.addr.ss_family = AF_INET6;
    out.len = sizeof(sockaddr_in6);
  } else {
    return false;
  }
  static_assert(offsetof(sockaddr_in, sin_port) == offsetof(sockaddr_in6, sin6_port));
  v4->sin_port = htons(port);  // the same bytes as sin6_port
  return true;
}

bool same_endpoint_address(const sockaddr_storage& a, const sockaddr_storage& b) {
  if (a.ss_family != b.ss_family) return false;
  if (a.ss_family == AF_INET)
    return reinterpret_cast<const sockaddr_in&>(a).sin_addr.s_addr ==
           reinterpret_cast<const sockaddr_in&>(b).sin_addr.s_addr;
  if (a.ss_family == AF_INET6)
    return std::memcmp(&reinterpret_cast<const sockaddr_in6&>(a).sin6_addr,
                       &reinterpret_cast<const sockaddr_in6&>(b).sin6_addr, sizeof(in6_addr)) == 0;
  return false;
}

void load_members_file(const std::string& path, uint16_t port, MemberTable& table) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot open");
  int line_no = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_no;
    if (auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    std::istringstream words(line);
    std::string vni_text;
    if (!(words >> vni_text)) continue;  // blank or comment only
    const std::string where = path + ":" + std::to_string(line_no) + ": ";
    unsigned long vni = 0;
    try {
      size_t used = 0;
      vni = std::stoul(vni_text, &used);
      if (used != vni_text.size()) throw std::invalid_argument(vni_text);
    } catch (const std::exception&) {
      throw std::runtime_error(where + "VNI '" + vni_text + "' is not a number");
    }
    if (vni > 0xffffff) throw std::runtime_error(where + "VNI " + vni_text + " is over 24 bits");
    auto& members = table[static_cast<uint32_t>(vni)];
    for (std::string address; words >> address;) {
      Endpoint e;
      if (!parse_endpoint(address, port, e))
        throw std::runtime_error(where + "'" + address + "' is not an IPv4 or IPv6 address");
      members.push_back(e);
    }
  }
}

}  // namespace vxsn::naive
