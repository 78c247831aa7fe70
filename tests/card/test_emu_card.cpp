// The emulated card through the Card interface: loading tables (idle bank, flip), counters,
// learn events, control registers, and refusals that must leave the running table alone.
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <cstring>
#include <thread>

#include "driver/steering/card_steer_rules.hpp"
#include "hls/counter_layout.hpp"
#include "hls/inject_ring_layout.hpp"
#include "hls/table_layout.hpp"
#include "tests/card/emu_card_fixtures.hpp"

namespace vxsn::cardtest {
namespace {

constexpr size_t kOuterV4 = 14 + 20 + 8 + 8;  // Ethernet, IPv4, UDP, VXLAN

// RFC 1071 checksum written here, for checking the card's IPv4 header checksums.
uint16_t internet_checksum(const uint8_t* p, size_t n) {
  uint32_t sum = 0;
  for (size_t i = 0; i + 1 < n; i += 2) sum += uint32_t{p[i]} << 8 | p[i + 1];
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

TEST(EmuCard, StartsWithAnEmptyTableAndDropsEveryVni) {
  EmuCard card;
  const CardStatus st = card.status();
  EXPECT_EQ(st.backend, "emu");
  EXPECT_EQ(st.active_bank, 0u);
  EXPECT_EQ(st.vni_count, 0u);
  EXPECT_EQ(st.tables_loaded, 0u);
  EXPECT_TRUE(st.enabled);
  EXPECT_EQ(st.layout_version, card::kLayoutVersion);
  const auto frame = frame_from(1, 100);
  EXPECT_TRUE(send(card, frame).empty());
  const CardCounters c = card.read_counters();
  EXPECT_EQ(c.rx_frames, 1u);
  EXPECT_EQ(c.rx_bytes, frame.size());
  EXPECT_EQ(c.drop(DropReason::kUnknownVni), 1u);
  EXPECT_EQ(c.tx_copies, 0u);
}

TEST(EmuCard, LoadWritesTheIdleBankAndFlips) {
  EmuCard card;
  card.load_table(image_of(*ipv4_table(100, {1, 2, 3}, 11)));
  CardStatus st = card.status();
  EXPECT_EQ(st.active_bank, 1u);
  EXPECT_EQ(st.table_version, 11u);
  EXPECT_EQ(st.vni_count, 1u);
  EXPECT_EQ(st.member_count, 3u);
  EXPECT_EQ(st.tables_loaded, 1u);
  EXPECT_EQ(send(card, frame_from(1, 100)).size(), 2u);  // to VTEPs 2 and 3

  card.load_table(image_of(*ipv4_table(100, {1, 2, 3, 4}, 12)));
  st = card.status();
  EXPECT_EQ(st.active_bank, 0u);
  EXPECT_EQ(st.table_version, 12u);
  EXPECT_EQ(st.member_count, 4u);
  EXPECT_EQ(send(card, frame_from(1, 100)).size(), 3u);
}

TEST(EmuCard, CopiesCarryTheMemberHeadersAndTheUnchangedInnerFrame) {
  EmuCard card;
  card.load_table(image_of(*ipv4_table(100, {1, 2, 3})));
  const auto frame = frame_from(1, 100, 300);
  const auto copies = send(card, frame);
  ASSERT_EQ(copies.size(), 2u);
  const std::array<unsigned, 2> vtep = {2, 3};
  for (size_t i = 0; i < 2; ++i) {
    const Copy& c = copies[i];
    SCOPED_TRACE(i);
    EXPECT_EQ(c.port, vtep[i] % 2);
    ASSERT_EQ(c.bytes.size(), frame.size());  // same outer family and size, no tag
    const uint8_t* b = c.bytes.data();
    const uint8_t dst_mac[6] = {0x02, 0x00, 0x5e, 0x10, 0x00, static_cast<uint8_t>(vtep[i])};
    const uint8_t src_mac[6] = {0x02, 0x00, 0x5e, 0x10, 0xA0, static_cast<uint8_t>(vtep[i] % 2)};
    EXPECT_EQ(std::memcmp(b, dst_mac, 6), 0);
    EXPECT_EQ(std::memcmp(b + 6, src_mac, 6), 0);
    EXPECT_EQ(b[12], 0x08);
    EXPECT_EQ(b[13], 0x00);
    const uint8_t* ip = b + 14;
    EXPECT_EQ(ip[0], 0x45);
    EXPECT_EQ(ip[8], 63);  // TTL from the replication parameters
    EXPECT_EQ(ip[9], 17);
    const uint8_t src_ip[4] = {10, 1, 0, 1};  // keep-original: the sender
    const uint8_t dst_ip[4] = {10, 1, 0, static_cast<uint8_t>(vtep[i])};
    EXPECT_EQ(std::memcmp(ip + 12, src_ip, 4), 0);
    EXPECT_EQ(std::memcmp(ip + 16, dst_ip, 4), 0);
    EXPECT_EQ(internet_checksum(ip, 20), 0u) << "IPv4 header checksum";
    EXPECT_EQ((ip[2] << 8 | ip[3]), frame.size() - 14);
    const uint8_t* udp = ip + 20;
    EXPECT_EQ((udp[2] << 8 | udp[3]), 4789);
    EXPECT_EQ((udp[4] << 8 | udp[5]), frame.size() - 34);
    // VXLAN header and inner frame exactly as received.
    EXPECT_EQ(std::memcmp(b + 42, frame.data() + 42, frame.size() - 42), 0);
  }
}

TEST(EmuCard, CountsPerVniInTheSlotTheTableNames) {
  EmuCard card;
  card.load_table(image_of(*ipv4_table(100, {1, 2, 3})));
  const auto frame = frame_from(1, 100, 250);
  const auto copies = send(card, frame);
  ASSERT_EQ(copies.size(), 2u);
  // The next table moves VNI 100's members; the counter slot (100 % 64) stays.
  card.load_table(image_of(*ipv4_table(100, {1, 2}, 2)));
  const auto more = send(card, frame);
  ASSERT_EQ(more.size(), 1u);

  const CardCounters c = card.read_counters();
  EXPECT_EQ(c.rx_frames, 2u);
  EXPECT_EQ(c.tx_copies, 3u);
  EXPECT_EQ(c.tx_bytes, 3 * frame.size());
  ASSERT_EQ(c.vnis.size(), 1u);
  EXPECT_EQ(c.vnis[0].vni, 100u);
  EXPECT_EQ(c.vnis[0].counter_slot, 100 % 64);
  EXPECT_EQ(c.vnis[0].frames_in, 2u);
  EXPECT_EQ(c.vnis[0].bytes_in, 2 * frame.size());
  EXPECT_EQ(c.vnis[0].copies_out, 3u);
  EXPECT_EQ(c.vnis[0].bytes_out, 3 * frame.size());
}

// The kernel's on-chip counters are one per process: two cards taking turns must each keep
// their own (the card losing the kernel snapshots them into its base before the reset).
TEST(EmuCard, TwoCardsTakingTurnsKeepTheirOwnCounters) {
  EmuCard a, b;
  a.load_table(image_of(*ipv4_table(100, {1, 2, 3})));
  b.load_table(image_of(*ipv4_table(100, {1, 2})));
  const auto frame = frame_from(1, 100, 250);
  for (int round = 0; round < 3; ++round) {
    ASSERT_EQ(send(a, frame).size(), 2u);
    ASSERT_EQ(send(a, frame).size(), 2u);
    ASSERT_EQ(send(b, frame).size(), 1u);
    // Reading one card's counters while the other holds the kernel, and vice versa.
    EXPECT_EQ(a.read_counters().rx_frames, 2u * (round + 1));
    EXPECT_EQ(b.read_counters().tx_copies, 1u * (round + 1));
  }
  const CardCounters ca = a.read_counters(), cb = b.read_counters();
  EXPECT_EQ(ca.tx_copies, 12u);
  EXPECT_EQ(cb.rx_frames, 3u);
  ASSERT_EQ(ca.vnis.size(), 1u);
  ASSERT_EQ(cb.vnis.size(), 1u);
  EXPECT_EQ(ca.vnis[0].frames_in, 6u);
  EXPECT_EQ(cb.vnis[0].copies_out, 3u);
  EXPECT_EQ(a.read_counter_slot(100 % 64).bytes_out, 12 * frame.size());
}

TEST(EmuCard, NonMemberSenderBecomesOneLearnEvent) {
  EmuCard card;
  card.load_table(image_of(*ipv4_table(100, {1, 2}, 5)));
  for (int i = 0; i < 50; ++i) ASSERT_EQ(send(card, frame_from(9, 100)).size(), 2u);
  send(card, frame_from(8, 4242));  // a VNI the table does not have
  std::vector<LearnEvent> events;
  ASSERT_EQ(card.drain_learn_events(events), 2u);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].vni, 100u);
  EXPECT_EQ(events[0].vtep, *IpAddr::parse("10.1.0.9"));
  EXPECT_TRUE(events[0].vni_known);
  EXPECT_EQ(events[0].table_version, 5u);
  EXPECT_EQ(events[1].vni, 4242u);
  EXPECT_EQ(events[1].vtep, *IpAddr::parse("10.1.0.8"));
  EXPECT_FALSE(events[1].vni_known);
  // Drained means gone; members never make events.
  send(card, frame_from(1, 100));
  EXPECT_EQ(card.drain_learn_events(events), 0u);
  EXPECT_EQ(events.size(), 2u);
  const CardCounters c = card.read_counters();
  EXPECT_EQ(c.learn_events, 2u);
  EXPECT_EQ(c.learn_suppressed, 49u);
}

// An ARP request (broadcast), 42 bytes.
// A broadcast ARP request, 42 bytes: Ethernet, the fixed ARP fields, the addresses 0x11 but
// the last byte of the target address, `last`.
std::vector<uint8_t> arp_request(uint8_t last) {
  std::vector<uint8_t> f = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02, 0, 0, 0, 0,
                            0x09, 0x08, 0x06, 0,    1,    0x08, 0,    6, 4, 0, 1};
  f.resize(42, 0x11);
  f[41] = last;
  return f;
}

TEST(EmuCard, SteeringRulesPuntHostFramesWholeToTheDrain) {
  EmuCard card;
  card.load_table(image_of(*ipv4_table(100, {1, 2}, 5)));
  const IpAddr service = csim::service_v4();
  CardControl control;
  control.service_addrs = {service};
  control.steer_rules = card_steer_rules(compile_steering_policy({{service}, 4789, 10001}));
  card.configure(control);
  std::vector<PuntedFrame> punted(1);  // drain appends; what is there stays
  EXPECT_EQ(card.drain_punted_frames(punted), 0u);
  const std::vector<uint8_t> arp1 = arp_request(1), arp2 = arp_request(2);
  EXPECT_TRUE(send(card, arp1).empty());
  EXPECT_EQ(send(card, frame_from(1, 100)).size(), 1u);  // VXLAN still replicated
  EXPECT_TRUE(send(card, arp2).empty());
  ASSERT_EQ(card.drain_punted_frames(punted), 2u);
  ASSERT_EQ(punted.size(), 3u);
  EXPECT_EQ(punted[1].bytes, arp1);
  EXPECT_EQ(punted[1].tier, hw::kSteerHost);
  EXPECT_EQ(punted[2].bytes, arp2);
  EXPECT_EQ(card.drain_punted_frames(punted), 0u);
  const CardCounters c = card.read_counters();
  EXPECT_EQ(c.punted, 2u);
  EXPECT_EQ(c.punt_ring_full, 0u);
  EXPECT_EQ(c.rx_frames, 1u) << "frames for the host are not the datapath's";
  // Without rules the card takes the ARP frame as the datapath's again (a parse drop).
  control.steer_rules.clear();
  card.configure(control);
  send(card, arp1);
  EXPECT_EQ(card.drain_punted_frames(punted), 0u);
  EXPECT_EQ(card.read_counters().drop(DropReason::kUnknownEtherType), 1u);
}

// The host's own frames go out of the card's ports through the inject ring: the next
// kernel restart sends one, whether send_injected gives it an idle restart or a received
// frame's process() does (the frame's copies follow).
TEST(EmuCard, InjectedFramesLeaveOnTheirPortAtTheNextRestarts) {
  EmuCard card;
  card.load_table(image_of(*ipv4_table(100, {1, 2, 3})));
  const std::vector<uint8_t> arp_reply(60, 0xA5), bgp(140, 0x5A);
  ASSERT_TRUE(card.inject_frame(1, arp_reply));
  ASSERT_TRUE(card.inject_frame(0, bgp));
  const std::vector<Copy> out = send(card, frame_from(1, 100));
  ASSERT_EQ(out.size(), 3u) << "one injected frame, then the frame's two copies";
  EXPECT_EQ(out[0].port, 1);
  EXPECT_EQ(out[0].bytes, arp_reply);
  CollectingSink rest;
  card.send_injected(rest);
  ASSERT_EQ(rest.copies.size(), 1u);
  EXPECT_EQ(rest.copies[0].port, 0);
  EXPECT_EQ(rest.copies[0].bytes, bgp);
  CollectingSink none;
  card.send_injected(none);
  EXPECT_TRUE(none.copies.empty());
  const CardCounters c = card.read_counters();
  EXPECT_EQ(c.rx_frames, 1u);
  EXPECT_EQ(c.tx_copies, 2u) << "injected frames are the host's, not copies";
}

TEST(EmuCard, AFullInjectRingRefusesTheFrameAndKeepsWhatItHolds) {
  EmuCard card;
  for (unsigned i = 0; i < card::kInjectRingSlots; ++i)
    ASSERT_TRUE(card.inject_frame(0, std::vector<uint8_t>(64, static_cast<uint8_t>(i))));
  EXPECT_FALSE(card.inject_frame(0, std::vector<uint8_t>(64, 0xFF)));
  card.configure(CardControl{});  // a register write keeps the ring's producer index
  CollectingSink sink;
  card.send_injected(sink);
  ASSERT_EQ(sink.copies.size(), card::kInjectRingSlots);
  for (unsigned i = 0; i < card::kInjectRingSlots; ++i)
    EXPECT_EQ(sink.copies[i].bytes, std::vector<uint8_t>(64, static_cast<uint8_t>(i)));
  EXPECT_TRUE(card.inject_frame(0, std::vector<uint8_t>(64, 0xFF))) << "room again";
  try {
    card.inject_frame(0, std::vector<uint8_t>(card::kInjectSlotFrameBytes + 1, 0));
    FAIL() << "a frame over a slot was queued";
  } catch (const CardError& e) {
    EXPECT_EQ(e.kind(), CardError::Kind::kBadFrame);
  }
}

TEST(EmuCard, MoreSteeringRulesThanTheCardHoldsIsBadConfig) {
  EmuCard card;
  CardControl control;
  control.steer_rules.resize(hw::kMaxSteerRules + 1);
  EXPECT_THROW(card.configure(control), CardError);
}

TEST(EmuCard, TableTooLargeIsRefusedBeforeAnythingChanges) {
  EmuCard card;
  card.load_table(image_of(*ipv4_table(100, {1, 2, 3}, 1)));
  const CardStatus before = card.status();

  CardTableSpec big;
  big.version = 2;
  CardVniSpec v;
  v.vni = 100;
  v.counter_slot = 0;
  v.members.resize(card::kMaxMembersPerVni + 1);
  for (size_t i = 0; i < v.members.size(); ++i) {
    v.members[i].addr = csim::vtep_v4(static_cast<unsigned>(i + 1));
    v.members[i].resolved = true;
  }
  big.vnis.push_back(v);
  try {
    card.load_table(serialise_bank(big));
    FAIL() << "a VNI with too many members was accepted";
  } catch (const CardError& e) {
    EXPECT_EQ(e.kind(), CardError::Kind::kTableTooLarge);
  }

  const CardStatus after = card.status();
  EXPECT_EQ(after.active_bank, before.active_bank);
  EXPECT_EQ(after.table_version, 1u);
  EXPECT_EQ(after.tables_loaded, 1u);
  EXPECT_EQ(send(card, frame_from(1, 100)).size(), 2u) << "the old table still replicates";
}

TEST(EmuCard, EveryCapacityIsChecked) {
  auto expect_too_large = [](const CardTableSpec& spec, const char* what) {
    try {
      serialise_bank(spec);
      ADD_FAILURE() << what << " accepted";
    } catch (const CardError& e) {
      EXPECT_EQ(e.kind(), CardError::Kind::kTableTooLarge) << what;
    }
  };
  const auto vni = [](uint32_t id, uint16_t slot, size_t members = 0) {
    CardVniSpec v;
    v.vni = id;
    v.counter_slot = slot;
    v.members.resize(members);
    return v;
  };
  CardTableSpec vnis;  // one VNI more than half the VNI slots
  for (uint32_t i = 0; i <= card::kMaxVniSlots / 2; ++i) vnis.vnis.push_back(vni(i + 1, 0));
  expect_too_large(vnis, "too many VNIs");

  CardTableSpec members;  // 129 VNIs of 128 members = 16512 > 16384
  for (uint32_t i = 0; i < 129; ++i) members.vnis.push_back(vni(i + 1, 0, card::kMaxMembersPerVni));
  expect_too_large(members, "too many members");

  CardTableSpec slot;
  slot.vnis.push_back(vni(1, static_cast<uint16_t>(card::kMaxVniCounterSlots)));
  expect_too_large(slot, "a counter slot out of range");

  // Per-VNI storm limits share profiles: 255 distinct limits fit (on any number of VNIs),
  // the 256th does not.
  CardTableSpec profiles;
  for (uint32_t i = 0; i < 2 * (card::kMaxPolicerProfiles - 1); ++i) {
    CardVniSpec v = vni(i + 1, 0);
    v.storm.frames_per_s = 1000 + i % (card::kMaxPolicerProfiles - 1);
    profiles.vnis.push_back(v);
  }
  EXPECT_EQ(serialise_bank(profiles).size(), card::kBankBytes);
  profiles.vnis.push_back(vni(9999, 0));
  profiles.vnis.back().storm.bytes_per_s = 123456;
  expect_too_large(profiles, "too many distinct storm limits");

  CardTableSpec fits;  // exactly at the limits
  for (uint32_t i = 0; i < card::kMaxMembers / card::kMaxMembersPerVni; ++i)
    fits.vnis.push_back(vni(i + 1, 0, card::kMaxMembersPerVni));
  EXPECT_EQ(serialise_bank(fits).size(), card::kBankBytes);
}

TEST(EmuCard, BadImagesAreRefusedAndTheTableStays) {
  EmuCard card;
  card.load_table(image_of(*ipv4_table(100, {1, 2, 3})));
  auto image = image_of(*ipv4_table(100, {1, 2}, 3));
  auto expect_bad = [&](std::span<const uint8_t> img) {
    try {
      card.load_table(img);
      ADD_FAILURE() << "bad image accepted";
    } catch (const CardError& e) {
      EXPECT_EQ(e.kind(), CardError::Kind::kBadImage);
    }
  };
  expect_bad(std::span(image).first(image.size() - 64));
  auto wrong_magic = image;
  wrong_magic[card::kHdrMagic] ^= 0xFF;
  expect_bad(wrong_magic);
  auto wrong_layout = image;
  wrong_layout[card::kHdrLayoutVersion] += 1;
  expect_bad(wrong_layout);
  EXPECT_EQ(card.status().tables_loaded, 1u);
  EXPECT_EQ(send(card, frame_from(1, 100)).size(), 2u);
}

TEST(EmuCard, ControlRegistersFilterAndDisable) {
  EmuCard card;
  card.load_table(image_of(*ipv4_table(100, {1, 2, 3})));
  CardControl only_other;
  only_other.service_addrs = {*IpAddr::parse("10.0.0.200")};
  card.configure(only_other);
  EXPECT_TRUE(send(card, frame_from(1, 100)).empty());
  EXPECT_EQ(card.read_counters().drop(DropReason::kNotServiceAddress), 1u);

  CardControl too_many;
  too_many.service_addrs.assign(hw::kMaxServiceAddrs + 1, *IpAddr::parse("10.0.0.100"));
  try {
    card.configure(too_many);
    FAIL() << "nine service addresses accepted";
  } catch (const CardError& e) {
    EXPECT_EQ(e.kind(), CardError::Kind::kBadConfig);
  }
  EXPECT_TRUE(send(card, frame_from(1, 100)).empty()) << "the previous control stays";

  CardControl off;
  off.enable = false;
  card.configure(off);
  EXPECT_TRUE(send(card, frame_from(1, 100)).empty());
  EXPECT_EQ(card.read_counters().rx_disabled, 1u);
  EXPECT_FALSE(card.status().enabled);

  card.configure(CardControl{});  // any destination, enabled
  EXPECT_EQ(send(card, frame_from(1, 100)).size(), 2u);
}

// Frames processed while tables flip see one whole table: with table A a frame from VTEP 1
// goes to {2, 3}, with table B to {4, 5, 6}; never a mix.
TEST(EmuCard, FramesDuringFlipsSeeOneWholeTable) {
  EmuCard card;
  const auto a = image_of(*ipv4_table(100, {1, 2, 3}, 1));
  const auto b = image_of(*ipv4_table(100, {1, 4, 5, 6}, 2));
  card.load_table(a);
  std::atomic<bool> done{false};
  std::thread flipper([&] {
    for (int i = 0; i < 40; ++i) card.load_table(i % 2 ? a : b);
    done = true;
  });
  const auto frame = frame_from(1, 100);
  int frames = 0;
  while (!done || frames < 100) {
    const auto copies = send(card, frame);
    ++frames;
    std::vector<unsigned> to;
    for (const Copy& c : copies) to.push_back(c.bytes[14 + 19]);  // last byte of outer dst
    const bool whole_a = to == std::vector<unsigned>{2, 3};
    const bool whole_b = to == std::vector<unsigned>{4, 5, 6};
    ASSERT_TRUE(whole_a || whole_b) << "frame " << frames << " saw a mixed table";
  }
  flipper.join();
  EXPECT_EQ(card.status().tables_loaded, 41u);
}

TEST(EmuCard, BurstEqualsFrameByFrame) {
  EmuCard one, burst;
  const auto image = image_of(*ipv4_table(100, {1, 2, 3}));
  one.load_table(image);
  burst.load_table(image);
  std::vector<std::vector<uint8_t>> frames = {frame_from(1, 100, 100), frame_from(2, 100, 1500),
                                              frame_from(3, 100, 64 * 3 + 1), frame_from(1, 7)};
  CollectingSink a, b;
  for (const auto& f : frames) one.process(f, a);
  std::vector<std::span<const uint8_t>> spans(frames.begin(), frames.end());
  burst.process_burst(spans, b);
  ASSERT_EQ(a.copies.size(), b.copies.size());
  ASSERT_EQ(a.copies.size(), 6u);
  for (size_t i = 0; i < a.copies.size(); ++i) {
    EXPECT_EQ(a.copies[i].port, b.copies[i].port);
    EXPECT_EQ(a.copies[i].bytes, b.copies[i].bytes);
  }
}

TEST(CounterSlotAllocator, SlotsAreStablePerVniAndRunOut) {
  CounterSlotAllocator slots;
  EXPECT_EQ(slots.slot_of(500), 0u);
  EXPECT_EQ(slots.slot_of(7), 1u);
  EXPECT_EQ(slots.slot_of(500), 0u);
  for (uint32_t v = 1000; v < 1000 + card::kMaxVniCounterSlots - 2; ++v) slots.slot_of(v);
  EXPECT_EQ(slots.slot_of(999999), card::kNoCounterSlot);
  EXPECT_EQ(slots.slot_of(7), 1u);
}

}  // namespace
}  // namespace vxsn::cardtest
