// vxsn-naive-replicator: the baseline VXLAN flooder (see replicator.hpp). Counters are
// printed on SIGTERM or SIGINT.
//   vxsn-naive-replicator --listen ADDR [--port 4789] [--batch 64]
//                         [--members FILE] [--vni V --member ADDR...]...
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/naive_replicator/members.hpp"
#include "sim/naive_replicator/replicator.hpp"

namespace {

volatile std::sig_atomic_t g_stop = 0;

void on_signal(int) {
  g_stop = 1;
}

struct Options {
  std::string listen;
  uint16_t port = 4789;
  unsigned batch = 64;
  vxsn::naive::MemberTable members;
};

[[noreturn]] void usage_error(const std::string& why) {
  std::fprintf(stderr,
               "vxsn-naive-replicator: %s\nusage: vxsn-naive-replicator --listen ADDR "
               "[--port 4789] [--batch 64] [--members FILE] [--vni V --member ADDR...]...\n",
               why.c_str());
  std::exit(2);
}

unsigned long number(const std::string& flag, const std::string& text, unsigned long max) {
  try {
    size_t used = 0;
    unsigned long v = std::stoul(text, &used);
    if (used == text.size() && v <= max) return v;
  } catch (const std::exception&) {
  }
  usage_error(flag + ": '" + text + "' is not a number up to " + std::to_string(max));
}

Options parse(int argc, char** argv) {
  Options o;
  std::string members_file;
  std::vector<std::pair<uint32_t, std::string>> listed;  // (vni, address) from --member
  long vni = -1;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) usage_error(flag + " needs a value");
    const std::string value = argv[++i];
    if (flag == "--listen")
      o.listen = value;
    else if (flag == "--port")
      o.port = static_cast<uint16_t>(number(flag, value, 65535));
    else if (flag == "--batch")
      o.batch = static_cast<unsigned>(number(flag, value, 1024));
    else if (flag == "--members")
      members_file = value;
    else if (flag == "--vni")
      vni = static_cast<long>(number(flag, value, 0xffffff));
    else if (flag == "--member") {
      if (vni < 0) usage_error("--member " + value + " before any --vni");
      listed.emplace_back(static_cast<uint32_t>(vni), value);
    } else
      usage_error("unknown option " + flag);
  }
  if (o.listen.empty()) usage_error("--listen is required");
  if (!members_file.empty()) vxsn::naive::load_members_file(members_file, o.port, o.members);
  for (const auto& [v, address] : listed) {
    vxsn::naive::Endpoint e;
    if (!vxsn::naive::parse_endpoint(address, o.port, e))
      usage_error("--member '" + address + "' is not an IPv4 or IPv6 address");
    o.members[v].push_back(e);
  }
  return o;
}

int open_socket(const Options& o) {
  vxsn::naive::Endpoint local;
  if (!vxsn::naive::parse_endpoint(o.listen, o.port, local))
    usage_error("--listen '" + o.listen + "' is not an IPv4 or IPv6 address");
  // One socket, one family: the kernel cannot send an IPv6 copy from an IPv4 socket.
  for (const auto& [vni, members] : o.members)
    for (const auto& m : members)
      if (m.addr.ss_family != local.addr.ss_family)
        usage_error("VNI " + std::to_string(vni) + ": a member's family differs from --listen");
  int fd = ::socket(local.addr.ss_family, SOCK_DGRAM, 0);
  if (fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  int buffer = 4 << 20;  // what anyone tuning a UDP relay sets first
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buffer, sizeof buffer);
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&local.addr), local.len) != 0)
    throw std::runtime_error("bind " + o.listen + ":" + std::to_string(o.port) + ": " +
                             std::strerror(errno));
  return fd;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options o = parse(argc, argv);
    const int fd = open_socket(o);
    struct sigaction sa {};
    sa.sa_handler = on_signal;  // no SA_RESTART: recvmmsg returns EINTR
    ::sigaction(SIGTERM, &sa, nullptr);
    ::sigaction(SIGINT, &sa, nullptr);
    size_t members = 0;
    for (const auto& [vni, list] : o.members) members += list.size();
    std::printf("listening on %s port %u, %zu VNIs, %zu members\n", o.listen.c_str(), o.port,
                o.members.size(), members);
    std::fflush(stdout);
    vxsn::naive::Replicator replicator(fd, o.members, o.batch);
    replicator.run(g_stop);
    std::printf("counters: %s\n", replicator.counters().to_string().c_str());
    ::close(fd);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "vxsn-naive-replicator: %s\n", e.what());
    return 1;
  }
}
