// Member changes through the management API on a real vxsnd (testbed namespaces, the
// daemon's Unix socket, the real Thrift server and table manager): static members added one
// call each (addMember) against the same number added in batches (addMembers, API 1.3), one
// member added to and removed from the VNI of `members` members (each call recompiles that
// VNI), and how long a change takes to reach the datapath (the table generation the daemon
// reports bumps). Prints a table; nothing is asserted. Needs root (namespaces).
//   build/tests/bench/bench_api_members [members, default 2000]
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "host/ctl/api_client.hpp"
#include "tests/integration/testbed.hpp"

namespace vxsn::test {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

std::string member_address(unsigned vni_index, unsigned i) {
  return "10." + std::to_string(200 + vni_index) + "." + std::to_string(i / 250) + "." +
         std::to_string(i % 250 + 1);
}

int run_bench(unsigned members) {
  char tmpl[] = "/tmp/vxsn-bench-api-XXXXXX";
  const std::string dir = ::mkdtemp(tmpl);
  const std::string socket = dir + "/vxsnd.sock";
  Testbed tb;
  NodeOptions o;
  o.extra_config =
      "[table]\nmax_members_per_vni = 100000\nmax_entries = 1000000\n"
      "learning = false\n\n[api]\nsocket = \"" +
      socket + "\"\n";
  Node node(tb, o);
  if (!node.wait_ready()) {
    std::fprintf(stderr, "vxsnd did not become ready:\n%s\n", node.process().log().c_str());
    return 1;
  }
  ConnectOptions co;
  co.socket_path = socket;
  ApiClient client(co);

  std::printf("%-28s %10s %10s %14s\n", "how", "members", "seconds", "changes/s");
  // One call per member.
  auto t0 = Clock::now();
  for (unsigned i = 0; i < members; ++i) {
    api::Member m;
    client->addMember(m, 7001, member_address(1, i));
  }
  double s = seconds_since(t0);
  std::printf("%-28s %10u %10.3f %14.0f\n", "addMember, one per call", members, s, members / s);
  // Batches.
  for (unsigned batch : {100u, 1000u}) {
    const uint32_t vni = 7000 + 10 + batch / 100;
    t0 = Clock::now();
    for (unsigned first = 0; first < members; first += batch) {
      std::vector<std::string> addresses;
      for (unsigned i = first; i < std::min(members, first + batch); ++i)
        addresses.push_back(member_address(2 + batch / 1000, i));
      std::vector<api::Member> added;
      client->addMembers(added, static_cast<int32_t>(vni), addresses);
    }
    s = seconds_since(t0);
    std::printf("%-28s %10u %10.3f %14.0f\n",
                ("addMembers, " + std::to_string(batch) + " per call").c_str(), members, s,
                members / s);
  }
  // Single changes into the large VNI (7001, `members` members): each call recompiles that
  // VNI and returns once the datapath has the table holding the change.
  std::vector<double> big_add_ms, big_remove_ms;
  for (unsigned i = 0; i < 200; ++i) {
    const std::string address = member_address(1, members + i);
    t0 = Clock::now();
    api::Member m;
    client->addMember(m, 7001, address);
    big_add_ms.push_back(seconds_since(t0) * 1000);
    t0 = Clock::now();
    client->removeMember(7001, address);
    big_remove_ms.push_back(seconds_since(t0) * 1000);
  }
  // Single changes on the now large table: each addMember returns once the datapath has
  // the table holding it (the call publishes before it answers), which the first getInfo
  // after it confirms by the bumped generation. Times per call, sorted for the percentiles.
  std::vector<double> change_ms, info_ms;
  unsigned not_yet_visible = 0;
  for (unsigned i = 0; i < 200; ++i) {
    api::NodeInfo before, after;
    auto ti = Clock::now();
    client->getInfo(before);
    info_ms.push_back(seconds_since(ti) * 1000);
    t0 = Clock::now();
    api::Member m;
    client->addMember(m, 7099, member_address(9, i));
    change_ms.push_back(seconds_since(t0) * 1000);
    client->getInfo(after);
    not_yet_visible += after.table_generation == before.table_generation;
  }
  std::sort(big_add_ms.begin(), big_add_ms.end());
  std::sort(big_remove_ms.begin(), big_remove_ms.end());
  std::sort(change_ms.begin(), change_ms.end());
  std::sort(info_ms.begin(), info_ms.end());
  auto pct = [](const std::vector<double>& v, double p) {
    return v[static_cast<size_t>(p * (v.size() - 1))];
  };
  std::printf(
      "one change on a table of %u members, to the datapath (addMember round trip, 200 calls): "
      "median %.2f ms, p99 %.2f ms, max %.2f ms; not yet visible on return: %u\n",
      3 * members + 200, pct(change_ms, 0.5), pct(change_ms, 0.99), change_ms.back(),
      not_yet_visible);
  std::printf(
      "one member in and out of the VNI of %u members (200 calls each): addMember median "
      "%.2f ms, p99 %.2f ms; removeMember median %.2f ms, p99 %.2f ms\n",
      members, pct(big_add_ms, 0.5), pct(big_add_ms, 0.99), pct(big_remove_ms, 0.5),
      pct(big_remove_ms, 0.99));
  std::printf("getInfo round trip: median %.2f ms, p99 %.2f ms\n", pct(info_ms, 0.5),
              pct(info_ms, 0.99));
  std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace vxsn::test

int main(int argc, char** argv) {
  if (::geteuid() != 0) {
    std::fprintf(stderr, "bench_api_members needs root (network namespaces)\n");
    return 77;
  }
  return vxsn::test::run_bench(argc > 1 ? static_cast<unsigned>(std::stoul(argv[1])) : 2000);
}
