// The XDP program, the software classifier and the rule list agree on the packet corpus:
// the program (the real object the af_xdp PMD loads) is run by the kernel on each frame
// (BPF_PROG_TEST_RUN) with its maps filled by the loader, and must pick the same rule.
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <gtest/gtest.h>
#include <linux/bpf.h>
#include <unistd.h>

#include "driver/dpdk/devargs.hpp"
#include "driver/steering/software_classifier.hpp"
#include "driver/steering/xdp_rules.hpp"
#include "steer_corpus.hpp"

namespace vxsn {
namespace {

class XdpProgram : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "loading a BPF program needs root";
    obj_ = bpf_object__open_file(xdp_program_path().c_str(), nullptr);
    ASSERT_NE(obj_, nullptr) << "cannot open " << xdp_program_path();
    ASSERT_EQ(bpf_object__load(obj_), 0) << "the verifier refused " << xdp_program_path();
    prog_ = bpf_program__fd(bpf_object__find_program_by_name(obj_, "vxsn_steer"));
    maps_.rules = bpf_object__find_map_fd_by_name(obj_, "vxsn_rules");
    maps_.count = bpf_object__find_map_fd_by_name(obj_, "vxsn_rule_count");
    maps_.hits = bpf_object__find_map_fd_by_name(obj_, "vxsn_rule_hits");
    ASSERT_GE(prog_, 0);
    ASSERT_GE(maps_.rules, 0);
  }
  void TearDown() override {
    if (obj_) bpf_object__close(obj_);
  }

  // The XDP verdict and the rule whose hit counter moved (-1: none).
  std::pair<int, int> run(const std::vector<uint8_t>& frame, size_t rules) {
    const std::vector<uint64_t> before = read_xdp_hits(maps_, rules);
    std::vector<uint8_t> data = frame;
    LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = data.data(),
                .data_size_in = static_cast<uint32_t>(data.size()), .repeat = 1);
    EXPECT_EQ(bpf_prog_test_run_opts(prog_, &opts), 0);
    const std::vector<uint64_t> after = read_xdp_hits(maps_, rules);
    int moved = -1;
    for (size_t i = 0; i < rules; ++i)
      if (after[i] != before[i]) moved = static_cast<int>(i);
    return {static_cast<int>(opts.retval), moved};
  }

  bpf_object* obj_ = nullptr;
  int prog_ = -1;
  XdpRuleMaps maps_;
};

TEST_F(XdpProgram, WithoutRulesEveryFramePassesToTheKernel) {
  const auto v4 = *IpAddr::parse("10.0.0.1");
  EXPECT_EQ(run(test::udp_frame(v4, 4789), 1), std::make_pair(int{XDP_PASS}, -1));
}

TEST_F(XdpProgram, AgreesWithTheSoftwareClassifierOnTheCorpus) {
  const SteeringPolicy p = compile_steering_policy(
      {{*IpAddr::parse("10.0.0.1"), *IpAddr::parse("fd00::1")}, 4789, 10001});
  write_xdp_rules(maps_, p);
  for (const test::CorpusFrame& f : test::steer_corpus(p.inputs)) {
    if (f.bytes.size() < 14) continue;  // the kernel refuses test runs below an Ethernet header
    const size_t rule = classify_frame(f.bytes, p);
    const auto [verdict, xdp_rule] = run(f.bytes, p.rules.size());
    EXPECT_EQ(xdp_rule, static_cast<int>(rule))
        << f.label << ": software " << p.rules[rule].name << ", XDP "
        << (xdp_rule >= 0 ? p.rules[xdp_rule].name : "none");
    // Datapath frames are redirected to the queue's socket; with none bound (a test run)
    // the program's fallback is the kernel.
    const int want = f.expected == SteerAction::kDrop ? XDP_DROP : XDP_PASS;
    EXPECT_EQ(verdict, want) << f.label;
  }
}

// A reload's new list goes into the idle bank and the count word flips to it: the program
// then matches the new list (its hits from zero), and the other bank is the next one
// written. The first list stays whole until the flip.
TEST_F(XdpProgram, ANewRuleListTakesOverAtOneFlipOfTheCountWord) {
  const auto a = *IpAddr::parse("10.0.0.1"), b = *IpAddr::parse("10.0.0.2");
  const SteeringPolicy only_a = compile_steering_policy({{a}, 4789, 10001});
  const SteeringPolicy both = compile_steering_policy({{a, b}, 4789, 10001});
  const SteeringPolicy only_b = compile_steering_policy({{b}, 4789, 10001});
  auto rule_name = [&](const SteeringPolicy& p, const IpAddr& to) {
    const int rule = run(test::udp_frame(to, 4789), p.rules.size()).second;
    if (rule < 0) return std::string("none");
    const SteerRule& r = p.rules[rule];
    return r.match.dst.family == IpAddr::Family::kNone ? r.name
                                                       : r.name + " " + r.match.dst.to_string();
  };
  auto bank = [&] {
    uint32_t zero = 0, word = 0;
    bpf_map_lookup_elem(maps_.count, &zero, &word);
    return word >> VXSN_STEER_BANK_SHIFT;
  };
  write_xdp_rules(maps_, only_a);
  const uint32_t first = bank();
  EXPECT_EQ(rule_name(only_a, a), "vxlan 10.0.0.1");
  EXPECT_EQ(rule_name(only_a, b), "host-default");
  write_xdp_rules(maps_, both);
  EXPECT_NE(bank(), first);
  EXPECT_EQ(rule_name(both, a), "vxlan 10.0.0.1");
  EXPECT_EQ(rule_name(both, b), "vxlan 10.0.0.2");
  write_xdp_rules(maps_, only_b);
  EXPECT_EQ(bank(), first);
  EXPECT_EQ(rule_name(only_b, a), "host-default");
  EXPECT_EQ(rule_name(only_b, b), "vxlan 10.0.0.2");
  // The active list's counters started at zero: only this step's two frames.
  uint64_t total = 0;
  for (uint64_t n : read_xdp_hits(maps_, only_b.rules.size())) total += n;
  EXPECT_EQ(total, 2u);
}

TEST(XdpRules, EncodingCarriesEveryFieldAndRefusesTooManyRules) {
  const SteeringPolicy p = compile_steering_policy({{*IpAddr::parse("fd00::1")}, 4789, 10001});
  const std::vector<vxsn_steer_rule> e = encode_xdp_rules(p);
  ASSERT_EQ(e.size(), p.rules.size());
  EXPECT_EQ(e[0].action, VXSN_STEER_DATAPATH);
  EXPECT_EQ(e[0].l3, VXSN_L3_IPV6);
  EXPECT_EQ(e[0].ip_proto, 17);
  EXPECT_EQ(e[0].flags, VXSN_STEER_MATCH_DST);
  EXPECT_EQ(e[0].dst_port, 4789);
  EXPECT_EQ(e[0].dst[0], 0xFD);
  EXPECT_EQ(e[0].dst[15], 0x01);
  EXPECT_EQ(e.back().action, VXSN_STEER_HOST);
  EXPECT_EQ(e.back().l3, VXSN_L3_ANY);
  EXPECT_EQ(e.back().flags, 0);

  SteeringInputs many{{}, 4789, 10001};
  for (int i = 1; i <= 20; ++i)
    many.service_addresses.push_back(*IpAddr::parse("10.0.0." + std::to_string(i)));
  EXPECT_THROW(encode_xdp_rules(compile_steering_policy(many)), std::invalid_argument);
}

}  // namespace
}  // namespace vxsn
