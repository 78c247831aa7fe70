#include "host/daemon/malloc_huge_pages.hpp"

#include <unistd.h>

#include <cstdlib>
#include <string>

namespace vxsn {

void exec_with_malloc_huge_pages(char** argv) {
  const char* off = std::getenv("VXSN_MALLOC_HUGE_PAGES");
  if (off && std::string(off) == "0") return;
  const char* current = std::getenv("GLIBC_TUNABLES");
  std::string tunables = current ? current : "";
  if (tunables.find("glibc.malloc.hugetlb") != std::string::npos) return;  // set, or ours
  tunables += (tunables.empty() ? "" : ":") + std::string("glibc.malloc.hugetlb=1");
  if (tunables.find("glibc.malloc.arena_max") == std::string::npos)
    tunables += ":glibc.malloc.arena_max=1";
  // The binary's own path, not /proc/self/exe: the process keeps its name (comm) "vxsnd".
  char self[4096];
  const ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return;
  self[n] = '\0';
  if (::setenv("GLIBC_TUNABLES", tunables.c_str(), 1) != 0) return;
  ::execv(self, argv);
  // Not executed: run on without it (and leave the environment as it was).
  if (current)
    ::setenv("GLIBC_TUNABLES", current, 1);
  else
    ::unsetenv("GLIBC_TUNABLES");
}

}  // namespace vxsn
