#include "tests/bench/e2e_sink.hpp"

#include <regex>
#include <stdexcept>

namespace vxsn::test {

MemberSink::MemberSink(const Testbed& testbed, int count) : netns_(testbed.prefix() + "-sink") {
  const std::string port = testbed.prefix() + "-sk-ul", ul = testbed.prefix() + "-ul";
  std::string cmd = "set -e; ip netns add " + netns_ + "; ip -n " + netns_ +
                    " link set lo up; ip -n " + ul + " link add " + port +
                    " type veth peer name sk0 address " + mac_ + " netns " + netns_ + "; ip -n " +
                    ul + " link set " + port + " master " + testbed.prefix() + "-br up; ip -n " +
                    netns_ + " link set sk0 up; ip netns exec " + netns_ +
                    " tc qdisc add dev sk0 clsact; ip netns exec " + netns_ +
                    " tc filter add dev sk0 ingress protocol ip matchall action drop";
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
  // "Sent <bytes> bytes <packets> pkt" under the drop action.
  CommandResult r = run("ip netns exec " + netns_ + " tc -s filter show dev sk0 ingress");
  std::smatch m;
  static const std::regex sent(R"(Sent \d+ bytes (\d+) pkt)");
  if (!std::regex_search(r.output, m, sent)) throw std::runtime_error("no tc counter: " + r.output);
  return std::stoull(m[1]);
}

}  // namespace vxsn::test
