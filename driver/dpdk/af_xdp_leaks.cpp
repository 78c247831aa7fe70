#include "driver/dpdk/af_xdp_leaks.hpp"

#include <dirent.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <iterator>
#include <optional>

#ifndef AF_XDP
#define AF_XDP 44
#endif

namespace vxsn {

namespace {

std::optional<TrackedFd> describe(int fd) {
  struct stat st {};
  if (fstat(fd, &st) != 0) return std::nullopt;
  if (S_ISSOCK(st.st_mode)) {
    int domain = 0;
    socklen_t len = sizeof domain;
    if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) == 0 && domain == AF_XDP) {
      return TrackedFd{fd, st.st_ino, kAfXdpSocketKind};
    }
    return std::nullopt;
  }
  char target[64] = {};
  const std::string link = "/proc/self/fd/" + std::to_string(fd);
  const ssize_t n = readlink(link.c_str(), target, sizeof target - 1);
  if (n <= 0) return std::nullopt;
  const std::string kind(target, static_cast<size_t>(n));
  if (kind.starts_with("anon_inode:bpf-") || kind == "anon_inode:btf") {
    return TrackedFd{fd, st.st_ino, kind};
  }
  return std::nullopt;
}

}  // namespace

std::vector<TrackedFd> af_xdp_related_fds() {
  std::vector<TrackedFd> out;
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return out;
  const int own = dirfd(dir);
  while (dirent* e = readdir(dir)) {
    char* end = nullptr;
    const long fd = std::strtol(e->d_name, &end, 10);
    if (end == e->d_name || *end != '\0' || fd == own) continue;
    if (std::optional<TrackedFd> t = describe(static_cast<int>(fd))) out.push_back(*t);
  }
  closedir(dir);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<TrackedFd> fds_added(const std::vector<TrackedFd>& before,
                                 const std::vector<TrackedFd>& now) {
  std::vector<TrackedFd> added;
  std::set_difference(now.begin(), now.end(), before.begin(), before.end(),
                      std::back_inserter(added));
  return added;
}

int close_fds(const std::vector<TrackedFd>& fds) {
  int closed = 0;
  for (const TrackedFd& t : fds) {
    const std::optional<TrackedFd> current = describe(t.fd);
    if (current && *current == t && close(t.fd) == 0) ++closed;
  }
  return closed;
}

}  // namespace vxsn
