// Which VTEPs belong to which VNI, for the naive replicator: from a members file
// ("VNI ADDR [ADDR...]" per line, '#' comments) and from --vni/--member on the command line.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace vxsn::naive {

// An IPv4 or IPv6 UDP endpoint (port 4789 unless set otherwise).
struct Endpoint {
  sockaddr_storage addr{};
  socklen_t len = 0;
};

// Parses "192.0.2.1" or "2001:db8::1" into an endpoint with `port`; false when neither.
bool parse_endpoint(const std::string& text, uint16_t port, Endpoint& out);
// Same address and port (the sender check for split horizon).
bool same_endpoint_address(const sockaddr_storage& a, const sockaddr_storage& b);

using MemberTable = std::unordered_map<uint32_t, std::vector<Endpoint>>;

// Adds the file's members to `table`. Throws std::runtime_error naming the file and line
// of the first bad VNI or address.
void load_members_file(const std::string& path, uint16_t port, MemberTable& table);

}  // namespace vxsn::naive
