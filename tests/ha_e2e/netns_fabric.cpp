#include "tests/ha_e2e/netns_fabric.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace vxsn::hae2e {

int run_command(const std::string& command, std::string* output) {
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (!pipe) throw std::runtime_error("popen failed: " + command);
  std::array<char, 4096> buf;
  std::string text;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) text.append(buf.data(), n);
  int status = ::pclose(pipe);
  if (output) *output = std::move(text);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void must_run(const std::string& command) {
  std::string out;
  if (run_command(command, &out) != 0)
    throw std::runtime_error("command failed: " + command + "\n" + out);
}

namespace {

constexpr const char* kNamePrefix = "hae";

std::string base36(unsigned long v) {
  const char* digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";  // role letters are lower case
  std::string out;
  do {
    out.insert(out.begin(), digits[v % 36]);
    v /= 36;
  } while (v);
  return out;
}

// Namespaces left by a run that was killed (a ctest timeout): their creator's pid is in
// their name, and that process is gone or is something else now.
void remove_stale_namespaces() {
  std::string list;
  run_command("ip netns list", &list);
  std::istringstream lines(list);
  for (std::string line; std::getline(lines, line);) {
    std::string name = line.substr(0, line.find(' '));
    if (name.rfind(kNamePrefix, 0) != 0) continue;
    size_t end = 3;
    while (end < name.size() && (std::isdigit(name[end]) || std::isupper(name[end]))) ++end;
    if (end == 3 || end == name.size()) continue;
    const unsigned long pid = std::stoul(name.substr(3, end - 3), nullptr, 36);
    std::ifstream comm("/proc/" + std::to_string(pid) + "/comm");
    std::string command;
    // A live run's (any HA test binary: the kernel cuts names to 15 characters).
    if (comm >> command && command.rfind("test_ha_", 0) == 0) continue;
    run_command("ip netns del " + name);
  }
}

}  // namespace

NetnsFabric::NetnsFabric(int nodes) : nodes_(nodes) {
  // The whole pid, so stale namespaces can be told from a live run's: "hae" + at most 5
  // base-36 digits + "b9" stays well below the 15 characters of an interface name.
  prefix_ = kNamePrefix + base36(static_cast<unsigned long>(::getpid()));
  remove_stale_namespaces();
  tear_down();  // an earlier fabric of this same process
  try {
    build();
  } catch (...) {
    tear_down();
    throw;
  }
}

NetnsFabric::~NetnsFabric() {
  tear_down();
}

void NetnsFabric::build() {
  const std::string hub = hub_ns();
  must_run("ip netns add " + hub);
  must_run("ip -n " + hub + " link set lo up");
  must_run("ip -n " + hub + " link add br0 type bridge");
  must_run("ip -n " + hub + " link set br0 up");
  for (int i = 0; i < nodes_; ++i) {
    const std::string ns = node_ns(i);
    must_run("ip netns add " + ns);
    must_run("ip -n " + ns + " link set lo up");
    // Created directly in the two namespaces: the root namespace never sees these names.
    must_run("ip link add " + node_if(i) + " netns " + ns + " type veth peer name " + hub_if(i) +
             " netns " + hub);
    must_run("ip -n " + hub + " link set " + hub_if(i) + " master br0 up");
    must_run("ip -n " + ns + " addr add " + address(i) + "/24 dev " + node_if(i));
    must_run("ip -n " + ns + " link set " + node_if(i) + " up");
  }
}

void NetnsFabric::tear_down() {
  // Deleting a namespace deletes the veth ends in it, and with them their peers.
  for (int i = 0; i < nodes_; ++i) run_command("ip netns del " + node_ns(i));
  run_command("ip netns del " + hub_ns());
}

void NetnsFabric::cut(int i) {
  must_run("ip -n " + hub_ns() + " link set " + hub_if(i) + " down");
}

void NetnsFabric::heal(int i) {
  must_run("ip -n " + hub_ns() + " link set " + hub_if(i) + " up");
}

}  // namespace vxsn::hae2e
