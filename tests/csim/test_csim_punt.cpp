// The card's steering and punt path (hls/steer.hpp, hls/punt.hpp) in C simulation, with the
// kernel's rules compiled from the real steering policy (driver/steering/card_steer_rules):
//   - on the steering corpus (every policy class and its near misses) the kernel's verdict
//     is the policy's: host- and registration-tier frames appear in the punt ring byte for
//     byte, in order, with their tier; datapath and drop-tier frames go to parse, whose
//     copies and per-reason drop counters equal the reference datapath's;
//   - in a mixed stream (VXLAN of every size between ARP, ICMP, BGP, registrations and
//     junk) the VXLAN copies stay byte-exact and nothing else is disturbed;
//   - a full ring loses frames counted, never reorders; an oversize frame is never punted;
//     with no rules the kernel takes every frame as before punting existed.
#include <gtest/gtest.h>

#include "driver/steering/card_steer_rules.hpp"
#include "driver/steering/software_classifier.hpp"
#include "hls/counter_layout.hpp"
#include "hls/punt_ring_layout.hpp"
#include "steer_corpus.hpp"
#include "tests/csim/csim_bench.hpp"
#include "tests/csim/csim_fixtures.hpp"

namespace vxsn::csim {
namespace {

constexpr uint16_t kRegistrationPort = 10001;

SteeringPolicy punt_policy() {
  SteeringInputs in;
  in.service_addresses = {service_v4(), service_v6()};
  in.vxlan_port = 4789;
  in.registration_port = kRegistrationPort;
  return compile_steering_policy(in);
}

// The kernel's registers for `policy`: its service addresses and its rules.
void enable_punting(CardHarness& card, const SteeringPolicy& policy) {
  card.set_service_addresses(policy.inputs.service_addresses);
  const std::vector<hw::SteerRuleRegs> rules = card_steer_rules(policy);
  card.regs().steer_rule_count = static_cast<uint8_t>(rules.size());
  for (size_t i = 0; i < rules.size(); ++i) card.regs().steer_rules[i] = rules[i];
}

void load_table(CsimBench& bench) {
  FloodTableBuilder b;
  b.set_params(replication_params(SourceIpMode::kKeepOriginal, true))
      .set_egress_ports(egress_ports());
  b.add_vni(100, {member(vtep_v4(1)), member(vtep_v4(2)), member(vtep_v6(3))},
            bench.vni_counters(100));
  b.add_vni(200, {member(vtep_v4(1)), member(vtep_v4(4), 1)}, bench.vni_counters(200));
  bench.load(0, b.build());
}

bool is_punt_tier(SteerAction a) {
  return a == SteerAction::kHost || a == SteerAction::kRegistration;
}

uint8_t card_tier(SteerAction a) {
  return a == SteerAction::kRegistration ? hw::kSteerRegistration : hw::kSteerHost;
}

struct Expected {
  std::vector<uint8_t> bytes;
  uint8_t tier;
};

// The punt ring's frames must be exactly `expected`, in order.
void expect_punted(CardHarness& card, const std::vector<Expected>& expected) {
  const std::vector<PuntedFrame> got = card.drain_punt();
  ASSERT_EQ(got.size(), expected.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].bytes, expected[i].bytes) << "punted frame " << i;
    EXPECT_EQ(got[i].tier, expected[i].tier) << "punted frame " << i;
    EXPECT_EQ(got[i].port, 0) << "punted frame " << i;
  }
}

uint64_t frame_drops(CardHarness& card) {
  uint64_t n = 0;
  for (unsigned d = 1; d < kDropReasonCount; ++d) n += card.counter(card::kCtrDropBase + d);
  return n;
}

TEST(CsimPunt, SteeringCorpusFollowsThePolicy) {
  const SteeringPolicy policy = punt_policy();
  CsimBench bench(service_parse_config());
  load_table(bench);
  enable_punting(bench.card(), policy);

  std::vector<CorpusFrame> frames;
  std::vector<Expected> expected;
  size_t drop_tier = 0;
  for (const test::CorpusFrame& c : test::steer_corpus(policy.inputs)) {
    SCOPED_TRACE(c.label);
    // The corpus' expectation is the policy's (the software enforcer agrees with it).
    ASSERT_EQ(policy.rules[classify_frame(c.bytes, policy)].action, c.expected);
    CorpusFrame f{c.bytes};
    f.card_only = is_punt_tier(c.expected);
    if (f.card_only) expected.push_back({c.bytes, card_tier(c.expected)});
    if (c.expected == SteerAction::kDrop) ++drop_tier;
    frames.push_back(std::move(f));
  }
  ASSERT_GT(expected.size(), 20u);
  ASSERT_GT(drop_tier, 4u);
  bench.run("punt_steer_corpus", frames);
  bench.expect_counters_equal();  // rx, tx and every drop reason: the reference's
  EXPECT_EQ(bench.card().counter(card::kCtrPunted), expected.size());
  EXPECT_EQ(bench.card().counter(card::kCtrPuntRingFull), 0u);
  // Every drop-tier frame was counted under some drop reason (none reached a copy).
  EXPECT_GE(frame_drops(bench.card()), drop_tier);
  expect_punted(bench.card(), expected);
}

// An ICMP echo to the service address of `size` bytes (the classifier reads no length).
std::vector<uint8_t> icmp_of_size(const IpAddr& dst, size_t size, uint8_t fill) {
  test::FrameOptions icmp;
  icmp.proto = dst.is_v6() ? kIpProtoIcmpv6 : kIpProtoIcmp;
  std::vector<uint8_t> f = test::udp_frame(dst, 0x8000, icmp);
  if (f.size() < size) f.resize(size, fill);
  return f;
}

TEST(CsimPunt, MixedStreamKeepsVxlanExactAndPuntsInOrder) {
  const SteeringPolicy policy = punt_policy();
  CsimBench bench(service_parse_config());
  load_table(bench);
  enable_punting(bench.card(), policy);

  test::FrameOptions tcp;
  tcp.proto = kIpProtoTcp;
  const std::vector<std::pair<std::vector<uint8_t>, SteerAction>> others = {
      {test::arp_frame(false), SteerAction::kHost},
      {icmp_of_size(service_v4(), 98, 0x11), SteerAction::kHost},
      {test::udp_frame(service_v6(), 179, tcp), SteerAction::kHost},
      {test::udp_frame(service_v4(), kRegistrationPort), SteerAction::kRegistration},
      {test::udp_frame(service_v4(), 53), SteerAction::kDrop},       // junk to the address
      {std::vector<uint8_t>(60, 0x42), SteerAction::kHost},          // junk: no ethertype
      {icmp_of_size(service_v6(), 9216, 0x22), SteerAction::kHost},  // the largest slot
      {test::udp_frame(service_v6(), kRegistrationPort), SteerAction::kRegistration},
  };
  std::vector<CorpusFrame> frames;
  std::vector<Expected> expected;
  for (size_t i = 0; i < 180; ++i) {
    const size_t size = 110 + (i * 389) % 9000;
    const IpAddr src = i % 3 == 0 ? vtep_v6(3) : vtep_v4(1);
    frames.push_back(
        {sim::build_vxlan_frame_of_size(frame_spec(src, i % 2 ? 100 : 200), size, uint32_t(i))});
    if (i % 3 == 1) {
      const auto& [bytes, action] = others[(i / 3) % others.size()];
      ASSERT_EQ(policy.rules[classify_frame(bytes, policy)].action, action);
      CorpusFrame f{bytes};
      f.card_only = is_punt_tier(action);
      if (f.card_only) expected.push_back({bytes, card_tier(action)});
      frames.push_back(std::move(f));
    }
  }
  ASSERT_LE(expected.size(), card::kPuntRingSlots) << "the ring is drained once, at the end";
  const size_t copies = bench.run("punt_mixed_stream", frames);
  EXPECT_GT(copies, 200u);
  bench.expect_counters_equal();
  EXPECT_EQ(bench.card().counter(card::kCtrPunted), expected.size());
  expect_punted(bench.card(), expected);
}

TEST(CsimPunt, FullRingLosesFramesCountedInOrder) {
  CardHarness card;
  enable_punting(card, punt_policy());
  std::vector<Expected> expected;
  const unsigned extra = 3;
  for (unsigned i = 0; i < card::kPuntRingSlots + extra; ++i) {
    std::vector<uint8_t> f = test::arp_frame(i % 2);
    f.back() = static_cast<uint8_t>(i);  // tell them apart
    EXPECT_TRUE(card.process(f).empty());
    if (i < card::kPuntRingSlots) expected.push_back({f, hw::kSteerHost});
  }
  EXPECT_EQ(card.counter(card::kCtrPunted), card::kPuntRingSlots);
  EXPECT_EQ(card.counter(card::kCtrPuntRingFull), extra);
  EXPECT_EQ(card.counter(card::kCtrRxFrames), 0u) << "frames for the host are not the datapath's";
  expect_punted(card, expected);
  // Drained: room again.
  const std::vector<uint8_t> after = test::arp_frame(false);
  card.process(after);
  expect_punted(card, {{after, hw::kSteerHost}});
}

TEST(CsimPunt, OversizeFrameIsNeverPunted) {
  CardHarness card;
  enable_punting(card, punt_policy());
  card.process(icmp_of_size(service_v4(), card::kPuntSlotFrameBytes + 1, 0x33));
  EXPECT_EQ(card.counter(card::kCtrRxOversize), 1u);
  EXPECT_EQ(card.counter(card::kCtrPunted), 0u);
  EXPECT_TRUE(card.drain_punt().empty());
}

TEST(CsimPunt, WithoutRulesTheKernelTakesEveryFrame) {
  CardHarness card;
  card.set_service_addresses(std::vector<IpAddr>{service_v4()});
  EXPECT_TRUE(card.process(test::arp_frame(false)).empty());
  EXPECT_EQ(card.counter(card::kCtrDropBase + static_cast<unsigned>(DropReason::kUnknownEtherType)),
            1u);
  EXPECT_EQ(card.counter(card::kCtrRxFrames), 1u);
  EXPECT_EQ(card.counter(card::kCtrPunted), 0u);
  EXPECT_TRUE(card.drain_punt().empty());
}

TEST(CsimPunt, DisabledKernelPuntsNothing) {
  CardHarness card;
  enable_punting(card, punt_policy());
  card.regs().enable = 0;
  card.process(test::arp_frame(false));
  EXPECT_EQ(card.counter(card::kCtrRxDisabled), 1u);
  EXPECT_TRUE(card.drain_punt().empty());
}

}  // namespace
}  // namespace vxsn::csim
