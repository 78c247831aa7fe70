// The table bank ack (hls/counters.hpp, card::kCtrBankAck): the word the host waits on
// before it overwrites the idle bank. A frame acknowledges the bank it read when it is
// counted, at the end of the pipeline; an idle restart or a control call acknowledges the
// bank register when no frame is inside. (C simulation runs each call to its end, so frames
// in flight across calls, where the ack must hold back, exist only on a board.)
#include <gtest/gtest.h>

#include "hls/counter_layout.hpp"
#include "host/daemon/card_table_spec.hpp"
#include "tests/csim/card_harness.hpp"
#include "tests/csim/csim_fixtures.hpp"

namespace vxsn::csim {
namespace {

class BankAck : public ::testing::Test {
 protected:
  void SetUp() override {
    card_.load_bank(0, small_table_bank(1));
    card_.load_bank(1, small_table_bank(2));
  }
  uint64_t ack() const { return card_.block_word(card::kCtrBankAck); }
  std::vector<OutputCopy> send() {
    return card_.process(sim::build_vxlan_frame_of_size(frame_spec(vtep_v4(1), 100), 200, 3));
  }
  CardHarness card_;
};

TEST_F(BankAck, AFrameAcknowledgesTheBankItReadAfterAFlip) {
  ASSERT_EQ(send().size(), 2u);
  EXPECT_EQ(ack(), 0u);
  card_.regs().table_bank = 1;  // the flip
  EXPECT_EQ(ack(), 0u) << "nothing has run since the flip";
  ASSERT_EQ(send().size(), 2u);
  EXPECT_EQ(ack(), 1u);
  card_.regs().table_bank = 0;
  ASSERT_EQ(send().size(), 2u);
  EXPECT_EQ(ack(), 0u);
}

TEST_F(BankAck, AnIdleRestartAcknowledgesTheRegisterWithNoFrameInside) {
  ASSERT_EQ(send().size(), 2u);
  card_.regs().table_bank = 1;
  EXPECT_TRUE(card_.idle_restart().empty());
  EXPECT_EQ(ack(), 1u);
}

TEST_F(BankAck, AControlCallAcknowledgesTheRegisterWithNoFrameInside) {
  card_.regs().table_bank = 1;
  card_.snapshot_counters();  // a kCmdControl call
  EXPECT_EQ(ack(), 1u);
}

TEST_F(BankAck, ASnapshotCopiesTheAckItDoesNotClearIt) {
  card_.regs().table_bank = 1;
  ASSERT_EQ(send().size(), 2u);
  card_.snapshot_counters();
  card_.snapshot_counters();
  EXPECT_EQ(ack(), 1u);
}

TEST_F(BankAck, AfterAResetTheNextCallWritesTheAckWhateverItHeld) {
  card_.regs().table_bank = 1;
  ASSERT_EQ(send().size(), 2u);
  ASSERT_EQ(ack(), 1u);
  card_.reset_kernel();
  card_.snapshot_counters();  // copies the reset state, then acknowledges: nothing inside
  EXPECT_EQ(ack(), 1u);
  card_.regs().table_bank = 0;
  ASSERT_EQ(send().size(), 2u);
  EXPECT_EQ(ack(), 0u);
}

}  // namespace
}  // namespace vxsn::csim
