// A reload's change of the service addresses when a part refuses it
// (host/daemon/service_address_change.hpp): every step already done is undone, the running
// addresses stay everywhere, and the error names node.service_addresses and the part.
// Real parts: the registration server's UDP sockets on loopback, a ring port whose rte_flow
// rules go through the FlowApi seam to the NIC double. The datapath that refuses is a
// double too: the software datapath never refuses, and the card's only refusal (more
// addresses than it holds) the steering policy refuses first, so no real part can.
// Runs in a private network namespace (unshared at start, gone with the process).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "host/config/config.hpp"
#include "host/daemon/service_address_change.hpp"
#include "tests/registration/fake_membership_store.hpp"
#include "tests/steering/flow_api_double.hpp"
#include "tests/steering/private_netns_eal.hpp"

namespace vxsn {
namespace {

const auto* const kEnv = ::testing::AddGlobalTestEnvironment(new PrivateNetnsEal(0));

const char* const kA = "127.0.0.1";
const char* const kB = "127.0.0.2";

SteeringPolicy policy_for(const std::vector<const char*>& addresses) {
  SteeringInputs in{{}, 4789, 10001};
  for (const char* a : addresses) in.service_addresses.push_back(*IpAddr::parse(a));
  return compile_steering_policy(in);
}

// A datapath whose change of steering answers `refusal` ("" accepts), counting the calls.
class DatapathDouble final : public Forwarding {
 public:
  std::string refusal;
  int changes = 0;
  std::string change_steering(const SteeringPolicy&) override {
    ++changes;
    return refusal;
  }
  void start() override {}
  void stop() override {}
  bool publish(std::unique_ptr<FloodTable>, uint64_t) override { return true; }
  void drain_learn_events(const LearnSink&) override {}
  uint64_t poll_turns() const override { return 0; }
  ForwardingReading read_counters() override { return {}; }
  std::vector<uint64_t> steering_hits() const override { return {}; }
  std::optional<CardInfo> card_info() override { return std::nullopt; }
};

// Whether a plain UDP socket can bind `address`:`port` now (false: someone holds it).
bool udp_port_free(const char* address, uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_port = htons(port);
  ::inet_pton(AF_INET, address, &sin.sin_addr);
  const bool bound = ::bind(fd, reinterpret_cast<sockaddr*>(&sin), sizeof sin) == 0;
  ::close(fd);
  return bound;
}

class ServiceAddressChange : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!g_netns_eal_skip.empty()) GTEST_SKIP() << g_netns_eal_skip;
    ASSERT_EQ(run_quietly("ip link set lo up"), 0);
    running_ = policy_for({kA});
    RegistrationServerConfig config;
    config.listen_addresses = {*IpAddr::parse(kA)};
    config.port = 0;  // a free port; the new sockets share it
    registration_ = std::make_unique<RegistrationServer>(store_, config);
    std::string error;
    ASSERT_TRUE(registration_->start(&error)) << error;
    port_ = registration_->port();
    ports_.push_back(PortSteering::open({.devargs = "net_ring_sac" + std::to_string(next_ring_++)},
                                        running_, nic_));
    ASSERT_EQ(ports_[0]->enforcer(), SteeringEnforcer::kRteFlow) << ports_[0]->reason();
    // The address that stays keeps its VXLAN rule at every call the NIC sees.
    nic_.after_call = [this](const std::string&) {
      a_kept_ = a_kept_ && nic_.vxlan_destinations().count(kA) == 1;
    };
  }

  // change_service_addresses to [A, B]; the error's text, "" if it was applied.
  std::string change_to_a_and_b() {
    try {
      running_ = change_service_addresses(running_, {*IpAddr::parse(kA), *IpAddr::parse(kB)},
                                          {ports_, datapath_, registration_.get()}, "vxsnd.toml");
    } catch (const ConfigError& e) {
      EXPECT_EQ(e.key(), "node.service_addresses");
      return e.what();
    }
    return {};
  }

  // Everything still as before the change: A only, at the registration server, on the NIC
  // and in the policy; B's registration port free again.
  void expect_running_a_only() {
    EXPECT_EQ(registration_->listen_addresses(), std::vector<IpAddr>{*IpAddr::parse(kA)});
    EXPECT_FALSE(udp_port_free(kA, port_)) << "the registration server let go of A";
    EXPECT_TRUE(udp_port_free(kB, port_)) << "B's registration socket was left open";
    EXPECT_EQ(nic_.vxlan_destinations(), std::set<std::string>{kA});
    EXPECT_EQ(running_.inputs.service_addresses, std::vector<IpAddr>{*IpAddr::parse(kA)});
    EXPECT_TRUE(a_kept_);
  }

  static inline int next_ring_ = 0;
  test::FakeMembershipStore store_;
  test::FlowApiDouble nic_;
  DatapathDouble datapath_;
  SteeringPolicy running_;
  std::unique_ptr<RegistrationServer> registration_;
  std::vector<std::unique_ptr<PortSteering>> ports_;
  uint16_t port_ = 0;
  bool a_kept_ = true;
};

TEST_F(ServiceAddressChange, AcceptedEverywhereServesBothAddresses) {
  EXPECT_EQ(change_to_a_and_b(), "");
  EXPECT_EQ(registration_->listen_addresses().size(), 2u);
  EXPECT_FALSE(udp_port_free(kB, port_));
  EXPECT_EQ(nic_.vxlan_destinations(), (std::set<std::string>{kA, kB}));
  EXPECT_EQ(datapath_.changes, 1);
  EXPECT_EQ(running_.inputs.service_addresses.size(), 2u);
  EXPECT_TRUE(a_kept_);
}

// B's registration port is taken by another program: the first step fails, nothing else
// is touched.
TEST_F(ServiceAddressChange, RegistrationBindRefusedChangesNothing) {
  const int squatter = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_port = htons(port_);
  ::inet_pton(AF_INET, kB, &sin.sin_addr);
  ASSERT_EQ(::bind(squatter, reinterpret_cast<sockaddr*>(&sin), sizeof sin), 0);
  const size_t nic_calls = nic_.calls.size();

  const std::string error = change_to_a_and_b();
  EXPECT_NE(error.find("registration server"), std::string::npos) << error;
  EXPECT_NE(error.find("the running addresses stay (127.0.0.1)"), std::string::npos) << error;
  EXPECT_EQ(nic_.calls.size(), nic_calls) << "the port's rules were touched";
  EXPECT_EQ(datapath_.changes, 0);
  ::close(squatter);
  expect_running_a_only();
}

// The NIC refuses B's flow: the registration server, already on both, goes back to A.
TEST_F(ServiceAddressChange, PortRefusedUndoesTheRegistrationServer) {
  nic_.refuse_create_at = nic_.creates;
  const std::string error = change_to_a_and_b();
  EXPECT_NE(error.find("port 0"), std::string::npos) << error;
  EXPECT_NE(error.find("rte_flow"), std::string::npos) << error;
  EXPECT_EQ(datapath_.changes, 0);
  expect_running_a_only();
}

// The datapath refuses last: the ports' rules and the registration server both go back.
TEST_F(ServiceAddressChange, DatapathRefusedUndoesThePortsAndTheRegistrationServer) {
  datapath_.refusal = "the card refused the service addresses";
  const std::string error = change_to_a_and_b();
  EXPECT_NE(error.find("datapath: the card refused"), std::string::npos) << error;
  EXPECT_EQ(datapath_.changes, 1);
  expect_running_a_only();
  // And a later change that every part accepts still goes through.
  datapath_.refusal.clear();
  EXPECT_EQ(change_to_a_and_b(), "");
  EXPECT_EQ(nic_.vxlan_destinations(), (std::set<std::string>{kA, kB}));
}

}  // namespace
}  // namespace vxsn
