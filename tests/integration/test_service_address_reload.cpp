// Service addresses changed on a running vxsnd by SIGHUP, make-before-break, with real VTEPs
// in namespaces and the AF_XDP port's XDP program steering: while a VTEP floods
// continuously to the address that stays, the node reloads first [A] -> [A, B], then (the
// VTEPs' flood lists moved to B) [A, B] -> [B]. Every frame sent to the address that stays
// is replicated through each reload; afterwards frames to A are no longer replicated.
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <thread>

#include "tests/integration/testbed.hpp"

namespace vxsn::test {
namespace {

using namespace std::chrono_literals;

// A VNI no VTEP's kernel carries: its counters count the sender's frames only.
constexpr uint32_t kFloodVni = 4242;

// Sends `count` VXLAN floods of kFloodVni (an inner broadcast) to argv[1]:4789, one per ms.
constexpr const char* kSender = R"PY(
import socket, sys, time
dst, count = (sys.argv[1], 4789), int(sys.argv[2])
vxlan = b'\x08\x00\x00\x00' + (4242).to_bytes(3, 'big') + b'\x00'
inner = bytes.fromhex('ffffffffffff02aa00000001') + b'\x08\x06' + bytes(28)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(count):
    s.sendto(vxlan + inner, dst)
    time.sleep(0.001)
)PY";

// Run with the software datapath and with the emulated card (whose own address check
// follows through the card's control registers).
class ServiceAddressReload : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    tb_ = std::make_unique<Testbed>(TestbedOptions{.vteps = 3, .vnis = 1});
    a_ = tb_->service_ip();
    b_ = a_.substr(0, a_.rfind('.')) + ".253";
    ASSERT_EQ(
        run("ip -n " + tb_->node_ns() + " addr add " + b_ + "/32 dev " + tb_->node_if()).exit_code,
        0);
    Membership m;
    for (uint32_t vni : tb_->vnis()) m[vni] = {1, 2, 3};
    m[kFloodVni] = {1, 2, 3};
    const std::string datapath = "[datapath]\nmode = \"" + GetParam() + "\"\n";
    node_ = std::make_unique<Node>(*tb_, NodeOptions{.extra_config = datapath, .members = m});
    ASSERT_TRUE(node_->wait_ready()) << node_->process().log();
    sender_ = "/tmp/" + tb_->prefix() + "-sender.py";
    std::ofstream(sender_) << kSender;
  }
  void TearDown() override {
    if (!sender_.empty()) run("rm -f " + sender_);
  }

  // Rewrites the config with `addresses` (TOML array items) and sends SIGHUP.
  void hup_with(const std::string& addresses) {
    std::string text = node_->config_text(members());
    const std::string old = "service_addresses = [\"" + a_ + "\"]";
    text.replace(text.find(old), old.size(), "service_addresses = [" + addresses + "]");
    node_->write_config(text);
    node_->process().signal(SIGHUP);
  }
  // hup_with, then waits for the reload's log line (the n-th: one per applied change).
  bool reload_with(const std::string& addresses, size_t nth) {
    hup_with(addresses);
    return wait_until([&] { return occurrences("reload: service addresses") >= nth; }, 5s);
  }
  Membership members() const {
    Membership m;
    for (uint32_t vni : tb_->vnis()) m[vni] = {1, 2, 3};
    m[kFloodVni] = {1, 2, 3};
    return m;
  }
  size_t occurrences(const std::string& what) const {
    const std::string log = node_->process().log();
    size_t n = 0;
    for (size_t at = log.find(what); at != std::string::npos; at = log.find(what, at + 1)) ++n;
    return n;
  }
  std::unique_ptr<ChildProcess> flood(const std::string& to, int count) {
    return std::make_unique<ChildProcess>(
        std::vector<std::string>{"ip", "netns", "exec", tb_->vtep_ns(1), "python3", sender_, to,
                                 std::to_string(count)},
        "/tmp/" + tb_->prefix() + "-sender.log");
  }
  static void wait_done(ChildProcess& p) {
    ASSERT_TRUE(wait_until([&] { return !p.running(); }, 20s)) << "the sender never finished";
  }
  // The flood VNI's counters as the node last wrote them.
  static std::pair<uint64_t, uint64_t> flood_counts(const nlohmann::json& stats) {
    const std::string vni = std::to_string(kFloodVni);
    if (!stats.contains("vnis") || !stats["vnis"].contains(vni)) return {0, 0};
    const nlohmann::json& v = stats["vnis"][vni];
    return {v.value("frames_in", uint64_t{0}), v.value("copies_out", uint64_t{0})};
  }
  // Waits until `expected` more frames than `before` arrived; returns the (frames, copies)
  // added.
  std::pair<uint64_t, uint64_t> added_since(std::pair<uint64_t, uint64_t> before,
                                            uint64_t expected) {
    wait_until([&] { return flood_counts(node_->stats()).first >= before.first + expected; }, 5s);
    const auto now = flood_counts(node_->fresh_stats());
    return {now.first - before.first, now.second - before.second};
  }
  void move_vteps_flood_lists_to_b() {
    for (int n = 1; n <= 3; ++n) {
      for (uint32_t vni : tb_->vnis()) {
        const std::string dev = " dev vxlan" + std::to_string(vni);
        const std::string fdb = "bridge -n " + tb_->vtep_ns(n) + " fdb ";
        ASSERT_EQ(run(fdb + "append 00:00:00:00:00:00" + dev + " dst " + b_).exit_code, 0);
        ASSERT_EQ(run(fdb + "del 00:00:00:00:00:00" + dev + " dst " + a_).exit_code, 0);
      }
    }
  }

  std::unique_ptr<Testbed> tb_;
  std::unique_ptr<Node> node_;
  std::string a_, b_, sender_;
};

TEST_P(ServiceAddressReload, TheAddressThatStaysLosesNoFrameAndTheRemovedOneStopsReplicating) {
  constexpr int kFrames = 1000;  // 1 s or more of floods around each reload
  const std::string quoted_a = "\"" + a_ + "\"", quoted_b = "\"" + b_ + "\"";

  // [A] -> [A, B] while A floods.
  auto before = flood_counts(node_->fresh_stats());
  auto sender = flood(a_, kFrames);
  std::this_thread::sleep_for(300ms);
  ASSERT_TRUE(reload_with(quoted_a + ", " + quoted_b, 1)) << node_->process().log();
  wait_done(*sender);
  auto added = added_since(before, kFrames);
  EXPECT_EQ(added.first, uint64_t{kFrames}) << "floods to A lost around the reload";
  EXPECT_EQ(added.second, 2u * kFrames) << "every flood to A has its 2 copies";

  // B is served now: the VTEPs' flood lists move to it.
  move_vteps_flood_lists_to_b();

  // [A, B] -> [B] while B floods.
  before = flood_counts(node_->fresh_stats());
  sender = flood(b_, kFrames);
  std::this_thread::sleep_for(300ms);
  ASSERT_TRUE(reload_with(quoted_b, 2)) << node_->process().log();
  wait_done(*sender);
  added = added_since(before, kFrames);
  EXPECT_EQ(added.first, uint64_t{kFrames}) << "floods to B lost around the reload";
  EXPECT_EQ(added.second, 2u * kFrames);

  // A is no longer a service address: its floods go to the kernel, not the datapath. B's
  // sent after them mark when A's have been seen.
  before = flood_counts(node_->fresh_stats());
  sender = flood(a_, 200);
  wait_done(*sender);
  sender = flood(b_, 50);
  wait_done(*sender);
  added = added_since(before, 50);
  EXPECT_EQ(added.first, 50u) << "floods to the removed address A were replicated";

  // The steering the node reports is the new list; the real VTEPs flood through B.
  const nlohmann::json steering = node_->fresh_stats()["steering"];
  const std::string rules = steering.dump();
  EXPECT_NE(rules.find("vxlan " + b_), std::string::npos) << rules;
  EXPECT_EQ(rules.find("vxlan " + a_), std::string::npos) << rules;
  auto t = tb_->tenants_of(tb_->vnis()[0]);
  EXPECT_TRUE(tb_->ping(t[0], t[1], 56, false, 3)) << node_->process().log();

  // Removing the last address, or listing one twice, is refused naming the key; B runs on.
  const size_t named = occurrences("node.service_addresses");
  hup_with("");
  EXPECT_TRUE(wait_until([&] { return occurrences("reload refused") >= 1; }, 5s));
  hup_with(quoted_b + ", " + quoted_b);
  EXPECT_TRUE(wait_until([&] { return occurrences("reload refused") >= 2; }, 5s));
  EXPECT_GE(occurrences("node.service_addresses"), named + 2) << node_->process().log();
  EXPECT_EQ(occurrences("reload: service addresses"), 2u) << "a refused list was applied";
  EXPECT_TRUE(node_->process().running());
  before = flood_counts(node_->fresh_stats());
  sender = flood(b_, 50);
  wait_done(*sender);
  EXPECT_EQ(added_since(before, 50).first, 50u) << "B stopped after a refused reload";
  EXPECT_EQ(node_->process().terminate(), 0) << node_->process().log();
}

INSTANTIATE_TEST_SUITE_P(Datapaths, ServiceAddressReload, ::testing::Values("software", "emu"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace vxsn::test
