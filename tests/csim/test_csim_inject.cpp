// The card's inject path (hls/inject.hpp, hls/inject_ring_layout.hpp) in C simulation: the
// host's own frames queued in the inject ring leave on tx byte for byte with their port,
// alternating with received frames whose copies stay what they are without injection; an
// idle card sends them at its idle restarts; a reset keeps what is queued and sends nothing
// twice; a corrupt slot is skipped without stalling the ring.
#include <gtest/gtest.h>

#include "driver/card/card_memory.hpp"
#include "hls/counter_layout.hpp"
#include "hls/inject_ring_layout.hpp"
#include "tests/csim/csim_bench.hpp"
#include "tests/csim/csim_fixtures.hpp"

namespace vxsn::csim {
namespace {

// A recognisable frame of `size` bytes (an Ethernet header, then a counting pattern).
std::vector<uint8_t> host_frame(size_t size, uint8_t tag) {
  std::vector<uint8_t> f(size);
  for (size_t i = 0; i < size; ++i) f[i] = static_cast<uint8_t>(tag + i * 7);
  return f;
}

OutputCopy out(uint16_t port, std::vector<uint8_t> bytes) {
  return OutputCopy{port, std::move(bytes)};
}

TEST(CsimInject, IdleRestartsSendEachQueuedFrameOnItsPort) {
  CardHarness card;
  // One beat, a short last beat, exactly two beats, the largest slot.
  const std::vector<std::pair<uint16_t, std::vector<uint8_t>>> queued = {
      {0, host_frame(60, 1)},
      {1, host_frame(1514, 2)},
      {3, host_frame(128, 3)},
      {0, host_frame(card::kInjectSlotFrameBytes, 4)}};
  for (const auto& [port, bytes] : queued) card.inject(port, bytes);
  for (const auto& [port, bytes] : queued) {
    const std::vector<OutputCopy> sent = card.idle_restart();
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(sent[0], out(port, bytes));
  }
  EXPECT_EQ(card.inject_consumer(), queued.size());
  EXPECT_TRUE(card.idle_restart().empty()) << "nothing left to send";
  EXPECT_EQ(card.inject_consumer(), queued.size());
}

TEST(CsimInject, InjectedFramesAlternateWithReceivedFramesWhoseCopiesAreUnchanged) {
  std::vector<std::vector<uint8_t>> received;
  for (uint32_t i = 0; i < 6; ++i)
    received.push_back(
        sim::build_vxlan_frame_of_size(frame_spec(vtep_v4(1), 100), 110 + 301 * i, i));
  // The copies without injection, frame by frame.
  CardHarness plain;
  plain.load_bank(0, small_table_bank(1));
  std::vector<std::vector<OutputCopy>> copies_of;
  for (const auto& f : received) copies_of.push_back(plain.process(f));
  ASSERT_EQ(copies_of[0].size(), 2u) << "fan-out 2: members 10.1.0.2 and fd01::3";

  CardHarness card;
  card.load_bank(0, small_table_bank(1));
  std::vector<std::vector<uint8_t>> injected;
  for (uint8_t i = 0; i < 3; ++i) {
    injected.push_back(host_frame(64 + 100 * i, static_cast<uint8_t>(10 + i)));
    card.inject(2, injected.back());
  }
  // Restarts: inject, frame, inject, frame, inject, frame, then frames only.
  const std::vector<OutputCopy> sent =
      card.process_stream(received, static_cast<uint32_t>(received.size() + injected.size()));
  std::vector<OutputCopy> expected;
  for (size_t i = 0; i < received.size(); ++i) {
    if (i < injected.size()) expected.push_back(out(2, injected[i]));
    for (const OutputCopy& c : copies_of[i]) expected.push_back(c);
  }
  ASSERT_EQ(sent.size(), expected.size());
  for (size_t i = 0; i < sent.size(); ++i) EXPECT_EQ(sent[i], expected[i]) << "output " << i;
  EXPECT_EQ(card.inject_consumer(), injected.size());
  EXPECT_EQ(card.counter(card::kCtrRxFrames), received.size()) << "injected frames are not rx";
  EXPECT_EQ(card.counter(card::kCtrTxCopies), 2 * received.size())
      << "injected frames are not copies";
}

TEST(CsimInject, AResetKeepsQueuedFramesAndSendsNoneTwice) {
  CardHarness card;
  card.inject(0, host_frame(90, 5));
  ASSERT_EQ(card.idle_restart().size(), 1u);
  card.inject(1, host_frame(70, 6));
  card.reset_kernel();
  const std::vector<OutputCopy> sent = card.idle_restart();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0], out(1, host_frame(70, 6)));
  EXPECT_TRUE(card.idle_restart().empty());
  EXPECT_EQ(card.inject_consumer(), 2u);
}

TEST(CsimInject, ACorruptSlotIsSkippedAndTheRingGoesOn) {
  CardHarness card;
  card.inject(0, host_frame(80, 7));
  card.inject(0, host_frame(80, 8));
  card.inject(0, host_frame(80, 9));
  card.write_inject_header(0, 0, 0);                                // no length
  card.write_inject_header(1, card::kInjectSlotFrameBytes + 1, 0);  // longer than a slot
  EXPECT_TRUE(card.idle_restart().empty());
  EXPECT_TRUE(card.idle_restart().empty());
  const std::vector<OutputCopy> sent = card.idle_restart();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0], out(0, host_frame(80, 9)));
  EXPECT_EQ(card.inject_consumer(), 3u);
}

TEST(CsimInject, TheRingWrapsAroundItsSlots) {
  CardHarness card;
  for (unsigned round = 0; round < 3; ++round) {
    for (unsigned i = 0; i < card::kInjectRingSlots; ++i)
      card.inject(static_cast<uint16_t>(i % 4),
                  host_frame(60 + i, static_cast<uint8_t>(round + i)));
    EXPECT_THROW(card.inject(0, host_frame(60, 0)), std::logic_error) << "full";
    for (unsigned i = 0; i < card::kInjectRingSlots; ++i) {
      const std::vector<OutputCopy> sent = card.idle_restart();
      ASSERT_EQ(sent.size(), 1u);
      EXPECT_EQ(sent[0], out(static_cast<uint16_t>(i % 4),
                             host_frame(60 + i, static_cast<uint8_t>(round + i))));
    }
  }
  EXPECT_EQ(card.inject_consumer(), 3 * card::kInjectRingSlots);
}

TEST(CsimInject, EncodeRefusesFramesNoSlotCanHold) {
  std::vector<uint8_t> slot(card::kInjectSlotWords * 64);
  EXPECT_THROW(encode_inject_slot(0, {}, slot.data()), CardError);
  const std::vector<uint8_t> big(card::kInjectSlotFrameBytes + 1, 1);
  try {
    encode_inject_slot(0, big, slot.data());
    FAIL() << "a frame over a slot was encoded";
  } catch (const CardError& e) {
    EXPECT_EQ(e.kind(), CardError::Kind::kBadFrame);
  }
  EXPECT_EQ(encode_inject_slot(0, std::vector<uint8_t>(65, 1), slot.data()), 3u * 64);
}

}  // namespace
}  // namespace vxsn::csim
