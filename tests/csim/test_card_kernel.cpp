// Card-only behaviour of the kernels, where there is no reference to compare with: the learn
// path (events, dedup cache, ring full, reset), the enable register, frames longer than the
// frame buffer, and the card layout the serialiser writes.
#include <gtest/gtest.h>

#include <cstring>

#include "hls/counter_layout.hpp"
#include "hls/learn.hpp"
#include "hls/learn_ring_layout.hpp"
#include "hls/table_layout.hpp"
#include "host/daemon/card_table_spec.hpp"
#include "tests/csim/card_harness.hpp"
#include "tests/csim/csim_fixtures.hpp"

namespace vxsn::csim {
namespace {

uint16_t no_slot(const VniEntry&) {
  return card::kNoCounterSlot;
}

class CardKernel : public ::testing::Test {
 protected:
  void SetUp() override { card_.load_bank(0, card_bank_image(*small_table(1), no_slot)); }
  std::vector<OutputCopy> send(const IpAddr& src, uint32_t vni, size_t size = 200) {
    return card_.process(sim::build_vxlan_frame_of_size(frame_spec(src, vni), size, 9));
  }
  CardHarness card_;
};

TEST_F(CardKernel, NonMemberSenderMakesOneEventDespiteAFlood) {
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(send(vtep_v4(50), 100).size(), 3u);
  const auto events = card_.drain_learn();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].vni, 100u);
  EXPECT_EQ(events[0].src, vtep_v4(50));
  EXPECT_TRUE(events[0].vni_known);
  EXPECT_EQ(events[0].table_version, 1u);
  EXPECT_EQ(card_.counter(card::kCtrLearnEvents), 1u);
  EXPECT_EQ(card_.counter(card::kCtrLearnSuppressed), 999u);
}

TEST_F(CardKernel, MemberSenderAndDroppedFramesMakeNoEvent) {
  send(vtep_v4(1), 100);
  send(vtep_v6(3), 100);
  auto bad = sim::build_vxlan_frame_of_size(frame_spec(vtep_v4(60), 100), 200, 1);
  bad[14 + 8] = 0;  // TTL 0 (checksum now wrong too: dropped either way, never learned)
  card_.process(bad);
  EXPECT_TRUE(card_.drain_learn().empty());
  EXPECT_EQ(card_.counter(card::kCtrLearnEvents), 0u);
}

TEST_F(CardKernel, UnknownVniEventSaysSo) {
  EXPECT_TRUE(send(vtep_v6(70), 4242).empty());
  const auto events = card_.drain_learn();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].vni, 4242u);
  EXPECT_EQ(events[0].src, vtep_v6(70));
  EXPECT_FALSE(events[0].vni_known);
  EXPECT_EQ(card_.counter(card::kCtrDropBase + static_cast<unsigned>(DropReason::kUnknownVni)), 1u);
}

TEST_F(CardKernel, NewTableVersionReportsAPairAgainOnce) {
  send(vtep_v4(50), 100);
  card_.load_bank(1, card_bank_image(*small_table(2), no_slot));
  card_.regs().table_bank = 1;
  send(vtep_v4(50), 100);
  send(vtep_v4(50), 100);
  const auto events = card_.drain_learn();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].table_version, 1u);
  EXPECT_EQ(events[1].table_version, 2u);
}

TEST_F(CardKernel, ResetForgetsReportedPairs) {
  send(vtep_v4(50), 100);
  card_.reset_kernel();
  send(vtep_v4(50), 100);
  EXPECT_EQ(card_.drain_learn().size(), 2u);
}

TEST_F(CardKernel, FullRingDropsTheEventAndRetriesLater) {
  // Distinct senders: each one event. The ring holds kLearnRingEntries undrained events.
  for (unsigned i = 0; i < card::kLearnRingEntries; ++i) send(vtep_v4(2000 + i), 100, 120);
  EXPECT_EQ(card_.learn_producer(), card::kLearnRingEntries);
  send(vtep_v6(9999), 100, 120);
  EXPECT_EQ(card_.counter(card::kCtrLearnRingFull), 1u);
  EXPECT_EQ(card_.learn_producer(), card::kLearnRingEntries);
  EXPECT_EQ(card_.drain_learn().size(), card::kLearnRingEntries);
  send(vtep_v6(9999), 100, 120);  // not cached when it was lost: reported now
  const auto events = card_.drain_learn();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].src, vtep_v6(9999));
}

TEST_F(CardKernel, DisabledKernelConsumesAndCountsOnly) {
  card_.regs().enable = 0;
  EXPECT_TRUE(send(vtep_v4(1), 100, 300).empty());
  EXPECT_EQ(card_.counter(card::kCtrRxDisabled), 1u);
  EXPECT_EQ(card_.counter(card::kCtrRxFrames), 0u);
  card_.regs().enable = 1;
  EXPECT_EQ(send(vtep_v4(1), 100, 300).size(), 2u);
  EXPECT_EQ(card_.counter(card::kCtrRxFrames), 1u);
}

// Longer than the 9216-byte frame buffer: consumed whole, counted, never replicated (the
// reference has no such limit; real ports are configured for 9216-byte frames).
TEST_F(CardKernel, FrameLongerThanBufferIsCountedNotSent) {
  EXPECT_TRUE(send(vtep_v4(1), 100, 9300).empty());
  EXPECT_EQ(card_.counter(card::kCtrRxOversize), 1u);
  EXPECT_EQ(card_.counter(card::kCtrRxFrames), 1u);
  EXPECT_EQ(card_.counter(card::kCtrRxBytes), 9300u);
  EXPECT_EQ(send(vtep_v4(1), 100, 9216).size(), 1u);  // v6 copy would be 9236: too large
}

TEST_F(CardKernel, UnwrittenBankIsAnEmptyTable) {
  card_.regs().table_bank = 1;  // never loaded: all zero, no magic
  EXPECT_TRUE(send(vtep_v4(1), 100).empty());
  EXPECT_EQ(card_.counter(card::kCtrDropBase + static_cast<unsigned>(DropReason::kUnknownVni)), 1u);
}

TEST_F(CardKernel, CopiesCarryTheirEgressPortAndWholeBeats) {
  FloodTableBuilder b;
  b.set_params(replication_params(SourceIpMode::kKeepOriginal, true))
      .set_egress_ports(egress_ports());
  b.add_vni(9, {member(vtep_v4(1), 0), member(vtep_v4(2), 1), member(vtep_v4(3), 0)}, nullptr);
  card_.load_bank(0, card_bank_image(*b.build(), no_slot));
  const auto copies = send(vtep_v4(7), 9, 130);
  ASSERT_EQ(copies.size(), 3u);
  EXPECT_EQ(copies[0].egress_port, 0);
  EXPECT_EQ(copies[1].egress_port, 1);
  EXPECT_EQ(copies[2].egress_port, 0);
  for (const auto& c : copies) EXPECT_EQ(c.bytes.size(), 130u);
}

TEST(CardBeats, FrameBytesRoundTripThroughBeats) {
  for (size_t n : {1, 63, 64, 65, 127, 128, 129, 9216}) {
    std::vector<uint8_t> f(n);
    for (size_t i = 0; i < n; ++i) f[i] = static_cast<uint8_t>(i * 7 + 1);
    const auto beats = CardHarness::to_beats(f);
    ASSERT_EQ(beats.size(), (n + 63) / 64);
    // Byte 0 of the frame is bits 7..0 of beat 0.
    EXPECT_EQ(beats[0].data.range(7, 0).to_uint64(), f[0]);
    EXPECT_EQ(beats.back().last, 1);
    EXPECT_EQ(CardHarness::from_beats(beats), f);
  }
}

// The serialiser writes the fields where the layout header says, checked byte by byte.
TEST(CardLayout, SerialisedBankHasHeaderRecordsAndTemplates) {
  FloodTableBuilder b;
  b.set_params(replication_params(SourceIpMode::kOwnAddress, true))
      .set_egress_ports(egress_ports())
      .set_version(0x0102030405060708ull);
  b.add_vni(0xABCDEF, {member(vtep_v4(1), 1), member(vtep_v6(2), 0, false)}, nullptr);
  const auto table = b.build();
  const auto bank = card_bank_image(*table, [](const VniEntry&) -> uint16_t { return 17; });
  ASSERT_EQ(bank.size(), card::kBankBytes);
  EXPECT_EQ(std::memcmp(bank.data(), "VXFT", 4), 0);
  EXPECT_EQ(bank[card::kHdrTableVersion], 0x08);
  EXPECT_EQ(bank[card::kHdrTableVersion + 7], 0x01);
  EXPECT_EQ(bank[card::kHdrVniSlotCount], 16);  // one VNI: the minimum 16 slots
  EXPECT_EQ(bank[card::kHdrSourceMode], card::kSourceOwn);
  EXPECT_EQ(bank[card::kHdrHashShift], 28);
  // The one VNI sits at its home slot.
  const uint32_t home = (0xABCDEFu * 0x9E3779B1u) >> 28;
  const uint8_t* rec = &bank[card::kVniTableOffset + home * card::kVniRecordBytes];
  EXPECT_EQ(rec[0], 0xEF);
  EXPECT_EQ(rec[1], 0xCD);
  EXPECT_EQ(rec[2], 0xAB);
  EXPECT_EQ(rec[card::kVniRecMemberCount], 2);
  EXPECT_EQ(rec[card::kVniRecCounterSlot], 17);
  EXPECT_EQ(rec[card::kVniRecFlags], card::kVniFlagHasIpv6Member);
  // Member 0: IPv4, resolved, port 1 (max 1600), template = next hop MAC, port MAC, 0x0800.
  const uint8_t* m0 = &bank[card::kMemberArenaOffset];
  const uint8_t expect_eth[14] = {0x02, 0x00, 0x5e, 0x10, 0, 1,    0x02,
                                  0x00, 0x5e, 0x10, 0xA0, 1, 0x08, 0x00};
  EXPECT_EQ(std::memcmp(m0, expect_eth, 14), 0);
  EXPECT_EQ(m0[14], 0x45);
  EXPECT_EQ(m0[14 + 8], 63);  // TTL
  EXPECT_EQ(m0[card::kMemFamily], 4);
  EXPECT_EQ(m0[card::kMemFlags], card::kMemberFlagResolved | card::kMemberFlagOwnSource);
  EXPECT_EQ(m0[card::kMemAddr + 3], 1);  // 10.1.0.1
  EXPECT_EQ(m0[card::kMemEgressMaxFrame], 1600 & 0xFF);
  EXPECT_EQ(m0[card::kMemEgressMaxFrame + 1], 1600 >> 8);
  EXPECT_EQ(m0[card::kMemEgressPort], 1);
  const uint8_t* m1 = m0 + card::kMemberRecordBytes;
  EXPECT_EQ(m1[card::kMemFamily], 6);
  EXPECT_EQ(m1[card::kMemFlags], card::kMemberFlagOwnSource);  // unresolved
}

TEST(CardLayout, SerialiserRefusesTooManyMembersPerVni) {
  FloodTableBuilder b;
  b.set_params(replication_params(SourceIpMode::kKeepOriginal, true))
      .set_egress_ports(egress_ports());
  std::vector<MemberSpec> members;
  for (unsigned i = 0; i <= card::kMaxMembersPerVni; ++i) members.push_back(member(vtep_v4(i)));
  b.add_vni(1, members, nullptr);
  EXPECT_THROW(card_bank_image(*b.build(), no_slot), CardError);
}

}  // namespace
}  // namespace vxsn::csim
