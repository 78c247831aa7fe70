// Ports opened with the policy pick their enforcer for real: PMDs without rte_flow (ring)
// and net_tap, whose rte_flow needs the kernel's tc flower classifier (absent on these
// machines: its flows are refused), end up with software enforcement, logged at start.
// Runs in a private network namespace (unshared at start, gone with the process).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <net/if.h>
#include <sched.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <sstream>

#include "driver/dpdk/eal.hpp"
#include "driver/steering/port_steering.hpp"
#include "flow_api_double.hpp"

namespace vxsn {
namespace {

std::string g_skip;  // why this machine cannot run the tests, if it cannot

class EalInPrivateNetns : public ::testing::Environment {
 public:
  void SetUp() override {
    if (geteuid() != 0) {
      g_skip = "needs root (network namespace, /dev/net/tun)";
      return;
    }
    if (unshare(CLONE_NEWNET) != 0) {
      g_skip = "cannot unshare a network namespace";
      return;
    }
    eal_init(default_eal_args());
  }
  void TearDown() override {
    if (eal_initialised()) eal_cleanup();
  }
};
const auto* const kEnv = ::testing::AddGlobalTestEnvironment(new EalInPrivateNetns);

const SteeringPolicy& policy() {
  static const SteeringPolicy p = compile_steering_policy(
      {{*IpAddr::parse("10.77.0.1"), *IpAddr::parse("fd77::1")}, 4789, 10001});
  return p;
}

class PortSteeringTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!g_skip.empty()) GTEST_SKIP() << g_skip;
    sink_ = std::make_shared<spdlog::sinks::ostream_sink_mt>(log_);
    spdlog::default_logger()->sinks().push_back(sink_);
  }
  void TearDown() override {
    if (!sink_) return;
    auto& sinks = spdlog::default_logger()->sinks();
    sinks.erase(std::remove(sinks.begin(), sinks.end(), sink_), sinks.end());
  }
  std::ostringstream log_;
  std::shared_ptr<spdlog::sinks::ostream_sink_mt> sink_;
  RteFlowApi api_;
};

TEST_F(PortSteeringTest, NetTapRefusesTheFlowsSoSoftwareEnforcesAndTheChoiceIsLogged) {
  if (access("/dev/net/tun", R_OK | W_OK) != 0) GTEST_SKIP() << "no /dev/net/tun";
  const std::string ifname = "vxst" + std::to_string(getpid() % 100000);
  {
    // The default max_frame_len (9216) opens it: the MTU asked for stays within what
    // net_tap's own overhead check accepts (1504), and the tap's kernel MTU (1500) bounds
    // the frames it carries.
    auto s = PortSteering::open({.devargs = "net_tap0,iface=" + ifname}, policy(), api_);
    EXPECT_EQ(s->port().max_frame_len(), 1514u);
    EXPECT_EQ(s->enforcer(), SteeringEnforcer::kSoftware);
    EXPECT_FALSE(s->isolated()) << "net_tap's isolation needs tc flower too";
    EXPECT_NE(s->reason().find("refused"), std::string::npos) << s->reason();
    EXPECT_TRUE(s->rule_hits().empty());
    EXPECT_NE(if_nametoindex(ifname.c_str()), 0u) << "the tap exists while the port is open";
    EXPECT_NE(log_.str().find("port net_tap0: steering enforced by software"), std::string::npos)
        << log_.str();
  }
  EXPECT_EQ(if_nametoindex(ifname.c_str()), 0u) << "the tap is gone with the port";
}

TEST_F(PortSteeringTest, RingHasNoRteFlowSoSoftwareEnforces) {
  auto s = PortSteering::open({.devargs = "net_ring0"}, policy(), api_);
  EXPECT_EQ(s->enforcer(), SteeringEnforcer::kSoftware);
  EXPECT_NE(s->reason().find("rte_flow_validate refused"), std::string::npos) << s->reason();
  EXPECT_NE(log_.str().find("steering enforced by software"), std::string::npos) << log_.str();
}

SteeringPolicy policy_for(const std::vector<std::string>& addresses) {
  SteeringInputs in{{}, 4789, 10001};
  for (const std::string& a : addresses) in.service_addresses.push_back(*IpAddr::parse(a));
  return compile_steering_policy(in);
}

size_t first_call(const std::vector<std::string>& calls, size_t from, const std::string& prefix) {
  for (size_t i = from; i < calls.size(); ++i)
    if (calls[i].rfind(prefix, 0) == 0) return i;
  return calls.size();
}

size_t last_call(const std::vector<std::string>& calls, size_t from, const std::string& prefix) {
  size_t found = calls.size();
  for (size_t i = from; i < calls.size(); ++i)
    if (calls[i].rfind(prefix, 0) == 0) found = i;
  return found;
}

// A reload of the service addresses on a port whose NIC enforces the rules (the double
// behind the FlowApi seam, on a real ring port): new flows first, then the old go; a refused
// create keeps the old flows; closing the port leaves nothing.
TEST_F(PortSteeringTest, UpdatingTheServiceAddressesIsMakeBeforeBreakOnTheNic) {
  test::FlowApiDouble nic;
  auto s = PortSteering::open({.devargs = "net_ring1"}, policy_for({"10.77.0.1"}), nic);
  ASSERT_EQ(s->enforcer(), SteeringEnforcer::kRteFlow) << s->reason();
  bool kept_always = true;  // the address that stays has its VXLAN flow at every call
  nic.after_call = [&](const std::string&) {
    kept_always = kept_always && nic.vxlan_destinations().count("10.77.0.1") == 1;
  };

  size_t before = nic.calls.size();
  std::string why;
  ASSERT_TRUE(s->update(policy_for({"10.77.0.1", "10.77.0.2"}), why)) << why;
  EXPECT_LT(last_call(nic.calls, before, "create"), first_call(nic.calls, before, "destroy"))
      << "every new flow is created before the first old one is destroyed";
  EXPECT_LT(first_call(nic.calls, before, "destroy"), nic.calls.size()) << "the old flows went";
  EXPECT_EQ(nic.vxlan_destinations(), (std::set<std::string>{"10.77.0.1", "10.77.0.2"}));
  EXPECT_TRUE(kept_always);

  // The NIC refuses the third new flow: the running flows stay, none of the new remain.
  const auto running = nic.live;
  nic.refuse_create_at = nic.creates + 2;
  EXPECT_FALSE(s->update(policy_for({"10.77.0.2"}), why));
  EXPECT_NE(why.find("rte_flow_create refused"), std::string::npos) << why;
  EXPECT_EQ(nic.live.size(), running.size());
  for (const auto& [handle, flow] : running) EXPECT_EQ(nic.live.count(handle), 1u);
  EXPECT_TRUE(kept_always);

  s.reset();
  EXPECT_TRUE(nic.live.empty()) << nic.live.size() << " flows left after the port closed";
}

TEST_F(PortSteeringTest, ASoftwareEnforcedPortTakesAnyUpdate) {
  auto s = PortSteering::open({.devargs = "net_ring2"}, policy(), api_);
  ASSERT_EQ(s->enforcer(), SteeringEnforcer::kSoftware);
  std::string why;
  EXPECT_TRUE(s->update(policy_for({"10.77.0.9"}), why)) << why;
}

}  // namespace
}  // namespace vxsn
