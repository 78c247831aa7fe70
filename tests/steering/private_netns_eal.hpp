// The set-up the net_tap steering tests share: the EAL in a private network namespace of
// the test process, so every TAP it makes is gone with the process.
#pragma once

#include <gtest/gtest.h>

#include <string>

namespace vxsn {

// Why this machine cannot run the tests ("" when it can): set by the environment below.
extern std::string g_netns_eal_skip;

// Root, /dev/net/tun, `lanes` usable CPUs, a private network namespace, then rte_eal_init
// with `lanes` pinned datapath lcores (0: the default EAL arguments only).
class PrivateNetnsEal : public ::testing::Environment {
 public:
  explicit PrivateNetnsEal(unsigned lanes) : lanes_(lanes) {}
  void SetUp() override;
  void TearDown() override;

 private:
  unsigned lanes_;
};

// Runs a shell command with its output discarded; its exit status.
int run_quietly(const std::string& cmd);

}  // namespace vxsn
