#include "driver/dpdk/eal.hpp"

#include <rte_eal.h>
#include <rte_errno.h>

#include <atomic>
#include <fstream>
#include <stdexcept>

namespace vxsn {

namespace {

std::atomic<bool> g_eal_started{false};
std::atomic<bool> g_eal_ready{false};

long reserved_hugepages() {
  std::ifstream in("/proc/sys/vm/nr_hugepages");
  long n = 0;
  in >> n;
  return in ? n : 0;
}

}  // namespace

std::vector<std::string> default_eal_args() {
  return reserved_hugepages() > 0 ? kHugepageEalArgs : kDefaultEalArgs;
}

void eal_init(const std::vector<std::string>& args) {
  if (g_eal_started.exchange(true)) {
    throw std::runtime_error("eal_init: the DPDK EAL is already initialised in this process");
  }
  // rte_eal_init may keep pointers into argv, so the strings live for the whole process.
  static std::vector<std::string> storage;
  storage.clear();
  storage.push_back("vxsn");
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& s : storage) argv.push_back(s.data());
  argv.push_back(nullptr);

  if (rte_eal_init(static_cast<int>(storage.size()), argv.data()) < 0) {
    std::string joined;
    for (const std::string& a : args) joined += " " + a;
    throw std::runtime_error("rte_eal_init failed (" + std::string(rte_strerror(rte_errno)) +
                             ") with arguments:" + joined);
  }
  g_eal_ready = true;
}

bool eal_initialised() {
  return g_eal_ready;
}

void eal_cleanup() {
  if (g_eal_ready.exchange(false)) rte_eal_cleanup();
}

}  // namespace vxsn
