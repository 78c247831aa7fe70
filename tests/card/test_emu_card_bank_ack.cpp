// The emulated card keeps the card's table bank ack protocol (hls/counters.hpp): load_table
// waits until the kernel's ack word names the active bank before it overwrites the idle
// one. A long stream with a new table every few hundred frames must give the reference's
// copies byte for byte, and the ack must follow every flip, with traffic or without.
#include <gtest/gtest.h>

#include "tests/card/emu_card_fixtures.hpp"
#include "tests/csim/reference_harness.hpp"

namespace vxsn::cardtest {
namespace {

// Table generation g: VNI 100's membership changes with g, so a frame copied from the wrong
// bank shows in its copies.
std::unique_ptr<FloodTable> generation(unsigned g) {
  return ipv4_table(100, {1, 2 + g % 5, 8 + g % 3, 20 + g % 7}, g + 1);
}

class EmuCardBankAck : public ::testing::Test {
 protected:
  EmuCardBankAck() : ref_(csim::service_parse_config()) {
    CardControl control;
    control.service_addrs = {csim::service_v4(), csim::service_v6()};
    card_.configure(control);
  }

  // Sends `frame` through the card and the reference on `table`; true if the copies match.
  void expect_reference_copies(const std::vector<uint8_t>& frame, const FloodTable& table,
                               size_t index) {
    const auto expected = ref_.process(frame, table);
    const auto got = send(card_, frame);
    ASSERT_EQ(got.size(), expected.size()) << "frame " << index;
    for (size_t i = 0; i < got.size(); ++i) {
      ASSERT_EQ(got[i].port, expected[i].egress_port) << "frame " << index << " copy " << i;
      ASSERT_EQ(got[i].bytes, expected[i].bytes) << "frame " << index << " copy " << i;
    }
  }

  EmuCard card_;
  csim::ReferenceHarness ref_;
};

TEST_F(EmuCardBankAck, LongStreamWithFlipsWaitsForEachAckAndEqualsTheReference) {
  std::unique_ptr<FloodTable> table = generation(0);
  card_.load_table(image_of(*table));
  size_t frames = 0;
  unsigned flips = 0;
  for (unsigned g = 1; frames < 3000; ++g) {
    const size_t n = 200 + (g * 97) % 250;  // a few hundred frames per table
    for (size_t i = frames; i < frames + n; ++i) {
      const unsigned sender = i % 11 == 0 ? 30 + i % 4 : 1;  // some strangers
      const auto frame = frame_from(sender, 100, 110 + (i * 53) % 1400, static_cast<uint32_t>(i));
      ASSERT_NO_FATAL_FAILURE(expect_reference_copies(frame, *table, i));
    }
    frames += n;
    // The stretch's frames have left the pipeline: the ack names the bank they read, so the
    // next load finds it at once; then the new table goes into the other bank.
    ASSERT_EQ(card_.bank_ack(), card_.status().active_bank) << "generation " << g;
    table = generation(g);
    card_.load_table(image_of(*table));
    ++flips;
  }
  EXPECT_GE(flips, 8u);
  EXPECT_EQ(card_.read_counters().rx_frames, frames);
}

TEST_F(EmuCardBankAck, AFlipWithoutTrafficIsAcknowledgedBeforeTheNextLoad) {
  const std::unique_ptr<FloodTable> first = generation(1);
  const std::unique_ptr<FloodTable> second = generation(2);
  card_.load_table(image_of(*first));  // bank 1
  ASSERT_EQ(card_.status().active_bank, 1u);
  EXPECT_EQ(card_.bank_ack(), 0u) << "no frame and no restart since the flip";

  // No frame ever arrives: the wait gives the kernel an idle restart, which acknowledges
  // bank 1 (nothing in the pipeline), and the load into bank 0 goes ahead.
  card_.load_table(image_of(*second));
  EXPECT_EQ(card_.status().active_bank, 0u);
  EXPECT_EQ(card_.bank_ack(), 1u);

  ASSERT_NO_FATAL_FAILURE(expect_reference_copies(frame_from(1, 100), *second, 0));
  EXPECT_EQ(card_.bank_ack(), 0u) << "a frame of bank 0 was counted";
}

}  // namespace
}  // namespace vxsn::cardtest
