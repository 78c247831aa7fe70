#include "tests/bench/e2e_sink.hpp"

#include <regex>
#include <stdexcept>
#include <thread>

namespace vxsn::test {

MemberSink::MemberSink(const Testbed& testbed, int count) : netns_(testbed.prefix() + "-sink") {
  const std::string port = testbed.prefix() + "-sk-ul", ul = testbed.prefix() + "-ul";
  const std::string nft = "; ip netns exec " + netns_ + " nft ";
  std::string cmd = "set -e; ip netns add " + netns_ + "; ip -n " + netns_ +
                    " link set lo up; ip -n " + ul + " link add " + port +
                    " type veth peer name sk0 address " + mac_ + " netns " + netns_ + "; ip -n " +
                    ul + " link set " + port + " master " + testbed.prefix() + "-br up; ip -n " +
                    netns_ + " link set sk0 up";
  // At the ingress hook, before IP: every IPv4 packet counted and dropped (ARP passes).
  cmd += nft + "add table netdev sink" + nft +
         "add chain netdev sink in '{ type filter hook ingress device \"sk0\" priority 0; }'" +
         nft + "add rule netdev sink in meta protocol ip counter drop";
  for (int i = 0; i < count; ++i) {
    addresses_.push_back("10.99.0." + std::to_string(100 + i));
    cmd += "; ip -n " + netns_ + " addr add " + addresses_.back() + "/24 dev sk0";
  }
  CommandResult r = run(cmd);
  if (r.exit_code != 0) {
    run("ip netns del " + netns_);
    throw std::runtime_error("member sink set-up failed: " + r.output);
  }
}

MemberSink::~MemberSink() {
  run("ip netns del " + netns_);
}

uint64_t MemberSink::copies() const {
  CommandResult r = run("ip netns exec " + netns_ + " nft list chain netdev sink in");
  std::smatch m;
  static const std::regex counter(R"(counter packets (\d+))");
  if (!std::regex_search(r.output, m, counter))
    throw std::runtime_error("no nft counter: " + r.output);
  return std::stoull(m[1]);
}

}  // namespace vxsn::test

namespace vxsn::test {

MemberSink::Settled MemberSink::settle(uint64_t before, std::chrono::steady_clock::time_point start,
                                       double floor_s, double limit_s) const {
  Settled s{0, floor_s};
  for (uint64_t last = copies(), quiet = 0; quiet < 5 && s.seconds < limit_s;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const uint64_t now = copies();
    quiet = now == last ? quiet + 1 : 0;
    if (now != last)
      s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    last = now;
  }
  s.copies = copies() - before;
  return s;
}

}  // namespace vxsn::test
