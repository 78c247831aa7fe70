#include "tests/steering/private_netns_eal.hpp"

#include <sched.h>
#include <unistd.h>

#include <cstdlib>

#include "driver/dpdk/eal.hpp"
#include "driver/dpdk/lcore_layout.hpp"

namespace vxsn {

std::string g_netns_eal_skip;

void PrivateNetnsEal::SetUp() {
  if (geteuid() != 0) {
    g_netns_eal_skip = "needs root (network namespace, /dev/net/tun)";
  } else if (access("/dev/net/tun", R_OK | W_OK) != 0) {
    g_netns_eal_skip = "no /dev/net/tun";
  } else if (usable_cpus().size() < lanes_) {
    g_netns_eal_skip = "needs " + std::to_string(lanes_) + " CPUs for as many pinned lcores";
  } else if (unshare(CLONE_NEWNET) != 0) {
    g_netns_eal_skip = "cannot unshare a network namespace";
  }
  if (!g_netns_eal_skip.empty()) return;
  std::vector<std::string> args = default_eal_args();
  if (lanes_ > 0) args.push_back(plan_lcores(lanes_, {}, usable_cpus()).eal_argument());
  eal_init(args);
}

void PrivateNetnsEal::TearDown() {
  if (eal_initialised()) eal_cleanup();
}

int run_quietly(const std::string& cmd) {
  return std::system((cmd + " >/dev/null 2>&1").c_str());
}

}  // namespace vxsn
