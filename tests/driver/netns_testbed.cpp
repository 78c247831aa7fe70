#include "netns_testbed.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <thread>

namespace vxsn::test {

namespace {

constexpr const char* kPrefix = "vxd";  // this suite's own prefix: "vxd<pid>{n,p,a,b}"

void join_netns(const std::string& name) {
  const std::string path = "/run/netns/" + name;
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error("open " + path + ": " + std::strerror(errno));
  const int rc = setns(fd, CLONE_NEWNET);
  close(fd);
  if (rc != 0) throw std::runtime_error("setns " + path + ": " + std::strerror(errno));
}

// Namespaces left by an earlier run of this suite that was killed: their pid is gone.
void remove_stale_namespaces() {
  DIR* dir = opendir("/run/netns");
  if (dir == nullptr) return;
  while (dirent* e = readdir(dir)) {
    const std::string name = e->d_name;
    if (!name.starts_with(kPrefix) || name.size() < 5) continue;
    const std::string pid = name.substr(3, name.size() - 4);
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    if (access(("/proc/" + pid).c_str(), F_OK) != 0) {
      NetnsTestbed::sh("ip netns del " + name);
    }
  }
  closedir(dir);
}

}  // namespace

int NetnsTestbed::sh(const std::string& command) {
  const int status = std::system((command + " >/dev/null 2>&1").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void NetnsTestbed::must(const std::string& command) {
  if (sh(command) != 0) throw std::runtime_error("command failed: " + command);
}

std::unique_ptr<NetnsTestbed> NetnsTestbed::create(int mtu) {
  remove_stale_namespaces();
  std::unique_ptr<NetnsTestbed> bed(new NetnsTestbed);
  const std::string base = kPrefix + std::to_string(getpid());
  bed->node_ns = base + "n";
  bed->peer_ns = base + "p";
  bed->node_if = base + "a";
  bed->peer_if = base + "b";
  bed->original_ns_fd_ = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);

  const std::string n = "ip -n " + bed->node_ns + " ";
  const std::string p = "ip -n " + bed->peer_ns + " ";
  must("ip netns add " + bed->node_ns);
  must("ip netns add " + bed->peer_ns);
  must(n + "link add " + bed->node_if + " type veth peer name " + bed->peer_if + " netns " +
       bed->peer_ns);
  for (const auto& [ns, dev] :
       {std::pair{bed->node_ns, bed->node_if}, std::pair{bed->peer_ns, bed->peer_if}}) {
    must("ip netns exec " + ns + " ethtool -K " + dev + " tx off tso off gso off gro off");
    must("ip -n " + ns + " link set lo up");
  }
  bed->set_mtu(mtu);
  must(n + "addr add " + bed->node_ip4 + "/24 dev " + bed->node_if);
  must(p + "addr add " + bed->peer_ip4 + "/24 dev " + bed->peer_if);
  must(n + "addr add " + bed->node_ip6 + "/64 dev " + bed->node_if + " nodad");
  must(p + "addr add " + bed->peer_ip6 + "/64 dev " + bed->peer_if + " nodad");
  must(n + "link set " + bed->node_if + " up");
  must(p + "link set " + bed->peer_if + " up");
  return bed;
}

void NetnsTestbed::set_mtu(int mtu) const {
  must("ip -n " + node_ns + " link set " + node_if + " mtu " + std::to_string(mtu));
  must("ip -n " + peer_ns + " link set " + peer_if + " mtu " + std::to_string(mtu));
}

void NetnsTestbed::enter_node() const {
  join_netns(node_ns);
}

void NetnsTestbed::in_peer(const std::function<void()>& fn) const {
  std::exception_ptr error;
  std::thread t([&] {
    try {
      join_netns(peer_ns);
      fn();
    } catch (...) {
      error = std::current_exception();
    }
  });
  t.join();
  if (error) std::rethrow_exception(error);
}

void NetnsTestbed::destroy() noexcept {
  if (original_ns_fd_ >= 0) {
    setns(original_ns_fd_, CLONE_NEWNET);
    close(original_ns_fd_);
    original_ns_fd_ = -1;
  }
  // Deleting the veth first frees it at once even if threads still live in the namespace.
  if (!node_ns.empty()) sh("ip -n " + node_ns + " link del " + node_if);
  if (!node_ns.empty()) sh("ip netns del " + node_ns);
  if (!peer_ns.empty()) sh("ip netns del " + peer_ns);
}

NetnsTestbed::~NetnsTestbed() {
  destroy();
}

}  // namespace vxsn::test
