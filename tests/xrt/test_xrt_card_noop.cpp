// XrtCard against XRT's noop shim: every XRT call the driver makes is real (xclbin parsing
// and kernel checks inside XRT, device open, load_xclbin, buffer allocation in the kernel's
// memory groups, write/sync/read, kernel runs), but no kernel runs. So these tests check what
// the host did - buffers, groups, bytes written to each bank, the control registers of each
// run - and the error paths, never datapath results.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <memory>
#include <vector>

#include "driver/card/bank_serializer.hpp"
#include "driver/card/card_memory.hpp"
#include "driver/xrt/datapath_xclbin.hpp"
#include "driver/xrt/shim_environment.hpp"
#include "driver/xrt/xrt_card.hpp"
#include "hls/inject_ring_layout.hpp"
#include "hls/table_layout.hpp"
#include "xrt_test_support.hpp"

namespace vxsn {
namespace {

using xrt_test::TempDir;
using xrt_test::two_vni_table;
using xrt_test::write_variant;
using Kind = CardError::Kind;

// XRT reads XILINX_XRT and XCL_EMULATION_MODE once, at its first device access: the noop
// environment is set up for the whole process before any test runs.
class NoopShim : public ::testing::Environment {
 public:
  void SetUp() override { env_ = std::make_unique<xrtcard::XrtShimEnvironment>(); }
  void TearDown() override { env_.reset(); }

 private:
  std::unique_ptr<xrtcard::XrtShimEnvironment> env_;
};
[[maybe_unused]] ::testing::Environment* const kNoopShim =
    ::testing::AddGlobalTestEnvironment(new NoopShim);

XrtCardOptions options_for(const std::filesystem::path& xclbin) {
  XrtCardOptions o;
  o.xclbin = xclbin;
  return o;
}

XrtCardOptions build_options() {
  return options_for(VXSN_XCLBIN_PATH);
}

// Runs `f`, which must throw CardError of `kind`; returns its message.
template <typename F>
std::string expect_card_error(Kind kind, F&& f) {
  try {
    f();
  } catch (const CardError& e) {
    EXPECT_EQ(static_cast<int>(e.kind()), static_cast<int>(kind)) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "no CardError thrown";
  return {};
}

uint32_t le32(const std::vector<uint8_t>& b, size_t at) {
  return b[at] | b[at + 1] << 8 | b[at + 2] << 16 | static_cast<uint32_t>(b[at + 3]) << 24;
}

TEST(XrtCardNoop, OpensOnTheBuildXclbinWithBuffersInTheKernelsMemoryGroups) {
  XrtCard card(build_options());
  const XrtHostRecord r = card.host_record();
  // The build's xclbin connects table_mem/member_mem to bank 0, learn_ring/counters to 1.
  EXPECT_EQ(r.table_group, 0);
  EXPECT_EQ(r.learn_group, 1);
  EXPECT_EQ(r.counter_group, 1);
  // Open wrote the empty table into both banks and ran the kernel once for its registers.
  EXPECT_EQ(r.bank_writes[0], 1u);
  EXPECT_EQ(r.bank_writes[1], 1u);
  EXPECT_EQ(r.control_runs, 1u);
}

// The build's xclbin declares no auto-restart counter and no mailbox: every register write
// is a control run and nothing is started free. (A free-running xclbin cannot be opened
// under the noop shim at all; see test_xrt_card_no_device.)
TEST(XrtCardNoop, TheBuildsXclbinRunsPerCallWithControlRunsOnly) {
  XrtCard card(build_options());
  EXPECT_FALSE(card.host_record().free_running);
  card.configure(CardControl{});
  card.load_table(serialise_bank(two_vni_table(6)));
  card.read_counters();
  const XrtHostRecord r = card.host_record();
  EXPECT_FALSE(r.free_running);
  EXPECT_EQ(r.control_runs, 4u);  // open (reset), configure, load_table, counter snapshot
  EXPECT_EQ(r.mailbox_writes, 0u);
  EXPECT_EQ(r.last_command, hw::kCmdControl);
  EXPECT_EQ(card.status().run_mode, "per-call");
}

TEST(XrtCardNoop, BufferGroupsFollowTheXclbinConnectivityNotAFixedChoice) {
  TempDir dir;
  xclbin::XclbinSpec spec = xrtcard::datapath_xclbin_spec();
  for (xclbin::KernelArg& a : spec.kernel.args) {
    if (a.name == "table_mem" || a.name == "member_mem") a.memory_bank = 1;
    if (a.name == "learn_ring" || a.name == "counters" || a.name == "punt_ring" ||
        a.name == "inject_ring")
      a.memory_bank = 0;
  }
  XrtCard card(options_for(write_variant(dir, "swapped.xclbin", spec)));
  const XrtHostRecord r = card.host_record();
  EXPECT_EQ(r.table_group, 1);
  EXPECT_EQ(r.learn_group, 0);
  EXPECT_EQ(r.counter_group, 0);
}

// One table buffer is bound to both table arguments, so they must share a memory.
TEST(XrtCardNoop, TableArgumentsInDifferentMemoriesAreBadXclbin) {
  TempDir dir;
  xclbin::XclbinSpec spec = xrtcard::datapath_xclbin_spec();
  for (xclbin::KernelArg& a : spec.kernel.args)
    if (a.name == "member_mem") a.memory_bank = xrtcard::kBankState;
  const std::string what = expect_card_error(Kind::kBadXclbin, [&] {
    XrtCard card(options_for(write_variant(dir, "split_table.xclbin", spec)));
  });
  EXPECT_NE(what.find("member_mem"), std::string::npos) << what;
}

TEST(XrtCardNoop, InitialControlRegistersAreTheDefaultsOnBankZero) {
  XrtCard card(build_options());
  const xrtcard::ControlImage c = card.host_record().control;
  EXPECT_EQ(c[0], 1);     // enable
  EXPECT_EQ(c[1], 0);     // table_bank
  EXPECT_EQ(c[2], 0xB5);  // 4789 = 0x12B5, little-endian
  EXPECT_EQ(c[3], 0x12);
  EXPECT_EQ(c[4], 0);  // no service addresses: any destination
  EXPECT_TRUE(std::all_of(c.begin() + 5, c.end(), [](uint8_t b) { return b == 0; }));
}

TEST(XrtCardNoop, StatusAfterOpenDescribesTheEmptyTableOnBankZero) {
  XrtCard card(build_options());
  const CardStatus s = card.status();
  EXPECT_EQ(s.backend, "xrt");
  EXPECT_EQ(s.device.rfind("xrt:0", 0), 0u) << s.device;
  EXPECT_NE(s.kernel_version.find("vxsn_datapath"), std::string::npos);
  EXPECT_EQ(s.layout_version, 2);
  EXPECT_TRUE(s.enabled);
  EXPECT_EQ(s.active_bank, 0u);
  EXPECT_EQ(s.table_version, 0u);
  EXPECT_EQ(s.vni_count, 0u);
  EXPECT_EQ(s.member_count, 0u);
  EXPECT_EQ(s.vni_capacity, 2048u);
  EXPECT_EQ(s.member_capacity, 16384u);
  EXPECT_EQ(s.tables_loaded, 0u);
}

TEST(XrtCardNoop, LoadTableWritesTheIdleBankThenFlipsToIt) {
  XrtCard card(build_options());
  const std::vector<uint8_t> empty = card.read_table_bank(0);
  const std::vector<uint8_t> image = serialise_bank(two_vni_table(42));
  card.load_table(image);

  const XrtHostRecord r = card.host_record();
  EXPECT_EQ(r.bank_writes[1], 2u);  // open + this load
  EXPECT_EQ(r.bank_writes[0], 1u);  // the active bank was not touched
  EXPECT_EQ(r.control_runs, 2u);
  EXPECT_EQ(r.control[1], 1);  // the run after the write carried table_bank = 1
  EXPECT_EQ(card.read_table_bank(1), image);
  EXPECT_EQ(card.read_table_bank(0), empty);

  const CardStatus s = card.status();
  EXPECT_EQ(s.active_bank, 1u);
  EXPECT_EQ(s.table_version, 42u);
  EXPECT_EQ(s.vni_count, 2u);
  EXPECT_EQ(s.member_count, 3u);
  EXPECT_EQ(s.tables_loaded, 1u);
}

TEST(XrtCardNoop, SecondLoadGoesToTheOtherBankAndKeepsTheFirst) {
  XrtCard card(build_options());
  const std::vector<uint8_t> v42 = serialise_bank(two_vni_table(42));
  const std::vector<uint8_t> v43 = serialise_bank(two_vni_table(43));
  card.load_table(v42);
  card.load_table(v43);  // per-call: no bank ack to wait for (nothing can be in flight)
  EXPECT_EQ(card.host_record().bank_ack_waits, 0u);
  EXPECT_EQ(card.host_record().control[1], 0);
  EXPECT_EQ(card.status().active_bank, 0u);
  EXPECT_EQ(card.status().table_version, 43u);
  const std::vector<uint8_t> bank0 = card.read_table_bank(0);
  const std::vector<uint8_t> bank1 = card.read_table_bank(1);
  EXPECT_EQ(le32(bank0, 0), 0x54465856u);  // "VXFT"
  EXPECT_EQ(bank0[8], 43);                 // table version, little-endian u64 at byte 8
  EXPECT_EQ(bank1[8], 42);
}

TEST(XrtCardNoop, CountersAreReadFromTheDeviceAndListTheActiveTablesCountedVnis) {
  XrtCard card(build_options());
  card.load_table(serialise_bank(two_vni_table(5)));
  const CardCounters c = card.read_counters();
  EXPECT_EQ(card.host_record().counter_syncs, 1u);
  // No kernel ran, and open zeroed the counter block.
  EXPECT_EQ(c.rx_frames, 0u);
  EXPECT_EQ(c.tx_copies, 0u);
  // VNI 100 has counter slot 7; VNI 200 is not counted.
  ASSERT_EQ(c.vnis.size(), 1u);
  EXPECT_EQ(c.vnis[0].vni, 100u);
  EXPECT_EQ(c.vnis[0].counter_slot, 7);
  EXPECT_EQ(c.vnis[0].frames_in, 0u);
}

// The counters live on chip: every read first asks the kernel for a snapshot (a control
// run with a new request number in the register image, command kCmdControl), then syncs.
TEST(XrtCardNoop, EveryCounterReadRequestsASnapshotFirst) {
  XrtCard card(build_options());
  const XrtHostRecord opened = card.host_record();
  EXPECT_EQ(opened.last_command, hw::kCmdReset);  // open clears the on-chip state
  EXPECT_EQ(opened.control[xrtcard::kCtrlCounterSnapshot], 0);
  card.read_counters();
  XrtHostRecord r = card.host_record();
  EXPECT_EQ(r.counter_snapshots, 1u);
  EXPECT_EQ(r.control_runs, opened.control_runs + 1);
  EXPECT_EQ(r.last_command, hw::kCmdControl);
  EXPECT_EQ(r.control[xrtcard::kCtrlCounterSnapshot], 1);
  card.read_counter_slot(7);
  r = card.host_record();
  EXPECT_EQ(r.counter_snapshots, 2u);
  EXPECT_EQ(r.counter_syncs, 2u);
  EXPECT_EQ(r.control[xrtcard::kCtrlCounterSnapshot], 2);
  // A later register write keeps the served request number (no new snapshot).
  card.configure(CardControl{});
  EXPECT_EQ(card.host_record().control[xrtcard::kCtrlCounterSnapshot], 2);
  EXPECT_EQ(card.host_record().counter_snapshots, 2u);
}

TEST(XrtCardNoop, DrainLearnReadsTheRingAndFindsItEmpty) {
  XrtCard card(build_options());
  std::vector<LearnEvent> events(2);  // drain appends; what is there stays
  EXPECT_EQ(card.drain_learn_events(events), 0u);
  EXPECT_EQ(events.size(), 2u);
  EXPECT_EQ(card.host_record().learn_syncs, 1u);
}

// The punt ring is read without a kernel run: the index words, then only the slots between.
TEST(XrtCardNoop, DrainPuntReadsTheRingAndFindsItEmpty) {
  XrtCard card(build_options());
  std::vector<PuntedFrame> frames(1);
  EXPECT_EQ(card.drain_punted_frames(frames), 0u);
  EXPECT_EQ(frames.size(), 1u);
  EXPECT_EQ(card.host_record().control_runs, 1u) << "a drain runs no kernel";
}

// Injecting writes the slot, then the producer register; no kernel runs under the noop
// shim, so nothing is consumed: the ring fills and the next frame is refused, not lost.
TEST(XrtCardNoop, InjectWritesTheSlotThenTheProducerRegisterUntilTheRingIsFull) {
  XrtCard card(build_options());
  auto frame_of = [](unsigned i) {
    std::vector<uint8_t> f(60 + 37 * i);
    for (size_t b = 0; b < f.size(); ++b) f[b] = static_cast<uint8_t>(i * 13 + b);
    return f;
  };
  for (unsigned i = 0; i < card::kInjectRingSlots; ++i) {
    ASSERT_TRUE(card.inject_frame(static_cast<uint16_t>(i % 2), frame_of(i))) << i;
    const std::vector<uint8_t> slot = card.read_inject_slot(i);
    const std::vector<uint8_t> f = frame_of(i);
    EXPECT_EQ(get_le32(slot.data() + card::kInjectLength), f.size());
    EXPECT_EQ(get_le16(slot.data() + card::kInjectPort), i % 2);
    EXPECT_TRUE(std::equal(f.begin(), f.end(), slot.begin() + 64)) << "slot " << i;
    const xrtcard::ControlImage& c = card.host_record().control;
    EXPECT_EQ(get_le32(c.data() + xrtcard::kCtrlInjectProducer), i + 1);
  }
  const uint64_t runs = card.host_record().control_runs;
  EXPECT_FALSE(card.inject_frame(0, frame_of(0))) << "the ring is full";
  EXPECT_EQ(card.host_record().injected, card::kInjectRingSlots);
  EXPECT_EQ(card.host_record().control_runs, runs) << "a refused frame writes no register";
  // A later register write keeps the producer index.
  card.configure(CardControl{});
  EXPECT_EQ(get_le32(card.host_record().control.data() + xrtcard::kCtrlInjectProducer),
            card::kInjectRingSlots);
}

TEST(XrtCardNoop, InjectRefusesAFrameNoSlotCanHold) {
  XrtCard card(build_options());
  expect_card_error(Kind::kBadFrame, [&] { card.inject_frame(0, {}); });
  expect_card_error(Kind::kBadFrame, [&] {
    card.inject_frame(0, std::vector<uint8_t>(card::kInjectSlotFrameBytes + 1, 0));
  });
  EXPECT_EQ(card.host_record().injected, 0u);
  EXPECT_TRUE(card.inject_frame(0, std::vector<uint8_t>(card::kInjectSlotFrameBytes, 7)));
}

TEST(XrtCardNoop, ConfigureWritesTheSteeringRulesIntoTheControlImage) {
  XrtCard card(build_options());
  CardControl control;
  control.service_addrs = {*IpAddr::parse("10.0.0.1")};
  hw::SteerRuleRegs rule;
  rule.l3 = hw::kSteerL3Ipv4;
  rule.flags = hw::kSteerToService;
  rule.ip_proto = 17;
  rule.action = hw::kSteerRegistration;
  rule.dst_port = 10001;  // 0x2711
  control.steer_rules = {hw::SteerRuleRegs{}, rule};
  card.configure(control);
  const xrtcard::ControlImage& c = card.host_record().control;
  EXPECT_EQ(c[xrtcard::kCtrlSteerRuleCount], 2);
  const uint8_t* r = c.data() + xrtcard::kCtrlSteerRules + xrtcard::kSteerRuleBytes;
  const uint8_t want[8] = {
      hw::kSteerL3Ipv4, hw::kSteerToService, 17, hw::kSteerRegistration, 0, 0, 0x11, 0x27};
  EXPECT_EQ(std::memcmp(r, want, 8), 0);
}

TEST(XrtCardNoop, ConfigureWritesTheControlRegistersKeepingTheActiveBank) {
  XrtCard card(build_options());
  card.load_table(serialise_bank(two_vni_table(1)));  // active bank 1
  CardControl control;
  control.vxlan_port = 4790;  // 0x12B6
  control.enable = false;
  control.service_addrs = {*IpAddr::parse("10.0.0.1"), *IpAddr::parse("fd00::1")};
  card.configure(control);

  const XrtHostRecord r = card.host_record();
  EXPECT_EQ(r.control_runs, 3u);
  const xrtcard::ControlImage& c = r.control;
  EXPECT_EQ(c[0], 0);
  EXPECT_EQ(c[1], 1);
  EXPECT_EQ(c[2], 0xB6);
  EXPECT_EQ(c[3], 0x12);
  EXPECT_EQ(c[4], 2);
  EXPECT_EQ(c[5], 4);
  EXPECT_EQ(c[6], 6);
  const uint8_t v4[4] = {10, 0, 0, 1};
  EXPECT_EQ(std::memcmp(c.data() + 16, v4, 4), 0);
  const uint8_t v6[16] = {0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  EXPECT_EQ(std::memcmp(c.data() + 32, v6, 16), 0);
  EXPECT_FALSE(card.status().enabled);
}

TEST(XrtCardNoop, ConfigureThatDoesNotFitIsBadConfigAndRunsNothing) {
  XrtCard card(build_options());
  CardControl control;
  for (int i = 1; i <= 9; ++i)
    control.service_addrs.push_back(*IpAddr::parse("10.0.0." + std::to_string(i)));
  expect_card_error(Kind::kBadConfig, [&] { card.configure(control); });
  EXPECT_EQ(card.host_record().control_runs, 1u);
  EXPECT_TRUE(card.status().enabled);
}

TEST(XrtCardNoop, ImageOfTheWrongSizeIsRejectedBeforeAnyWrite) {
  XrtCard card(build_options());
  std::vector<uint8_t> image = serialise_bank(two_vni_table(9));
  image.resize(image.size() + 64);  // more than one bank
  expect_card_error(Kind::kBadImage, [&] { card.load_table(image); });
  image.resize(card::kBankBytes);
  image[0] ^= 0xFF;  // magic
  expect_card_error(Kind::kBadImage, [&] { card.load_table(image); });

  const XrtHostRecord r = card.host_record();
  EXPECT_EQ(r.bank_writes[0], 1u);
  EXPECT_EQ(r.bank_writes[1], 1u);
  EXPECT_EQ(r.control_runs, 1u);
  EXPECT_EQ(card.status().active_bank, 0u);
  EXPECT_EQ(card.status().tables_loaded, 0u);
}

TEST(XrtCardNoop, TableBeyondTheLayoutIsTooLargeAndTheCardKeepsItsTable) {
  XrtCard card(build_options());
  card.load_table(serialise_bank(two_vni_table(3)));
  CardTableSpec big = two_vni_table(4);
  big.vnis[0].members.resize(card::kMaxMembersPerVni + 1, big.vnis[0].members[0]);
  expect_card_error(Kind::kTableTooLarge, [&] { card.load_table(serialise_bank(big)); });
  EXPECT_EQ(card.status().table_version, 3u);
  EXPECT_EQ(card.status().active_bank, 1u);
  EXPECT_EQ(card.host_record().control_runs, 2u);
}

TEST(XrtCardNoop, MemoryBankSmallerThanTheTableMemoryIsTooLarge) {
  TempDir dir;
  xclbin::XclbinSpec spec = xrtcard::datapath_xclbin_spec();
  spec.banks[xrtcard::kBankTable].size_bytes = 1024 * 1024;  // 1 MiB < two 2.06 MiB banks
  const std::string what = expect_card_error(Kind::kTableTooLarge, [&] {
    XrtCard card(options_for(write_variant(dir, "small.xclbin", spec)));
  });
  EXPECT_NE(what.find("table_mem"), std::string::npos) << what;
}

TEST(XrtCardNoop, CorruptXclbinsAreBadXclbin) {
  TempDir dir;
  const std::vector<uint8_t> good = xclbin::build_xclbin(xrtcard::datapath_xclbin_spec());
  auto write = [&](const std::string& name, const std::vector<uint8_t>& bytes) {
    std::ofstream(dir.path() / name, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()), static_cast<long>(bytes.size()));
    return dir.path() / name;
  };
  std::vector<uint8_t> truncated(good.begin(), good.begin() + 300);
  std::vector<uint8_t> bad_magic = good;
  bad_magic[0] = 'X';
  std::vector<uint8_t> cut_tail(good.begin(), good.end() - 100);
  // Section 0's offset (the first section header starts at byte 456; offset at +24) moved
  // past the end of the file; the length field still matches.
  std::vector<uint8_t> bad_offset = good;
  const uint64_t far = good.size() + 4096;
  std::memcpy(bad_offset.data() + 456 + 24, &far, sizeof(far));
  std::vector<uint8_t> not_xclbin(4096, 0x5A);

  for (const auto& [name, bytes] :
       std::vector<std::pair<std::string, std::vector<uint8_t>>>{{"truncated", truncated},
                                                                 {"bad_magic", bad_magic},
                                                                 {"cut_tail", cut_tail},
                                                                 {"bad_offset", bad_offset},
                                                                 {"not_xclbin", not_xclbin}}) {
    SCOPED_TRACE(name);
    const auto path = write(name + ".xclbin", bytes);
    expect_card_error(Kind::kBadXclbin, [&] { XrtCard card(options_for(path)); });
  }
  expect_card_error(Kind::kBadXclbin,
                    [&] { XrtCard card(options_for(dir.path() / "missing.xclbin")); });
}

// An xclbin built before the inject ring existed: one argument short.
TEST(XrtCardNoop, KernelWithoutItsInjectRingArgumentIsBadXclbin) {
  TempDir dir;
  xclbin::XclbinSpec spec = xrtcard::datapath_xclbin_spec();
  std::erase_if(spec.kernel.args,
                [](const xclbin::KernelArg& a) { return a.name == "inject_ring"; });
  const std::string what = expect_card_error(Kind::kBadXclbin, [&] {
    XrtCard card(options_for(write_variant(dir, "no_inject_ring.xclbin", spec)));
  });
  EXPECT_NE(what.find("9 arguments"), std::string::npos) << what;
}

TEST(XrtCardNoop, XclbinWithoutTheDatapathKernelIsBadXclbin) {
  TempDir dir;
  xclbin::XclbinSpec spec = xrtcard::datapath_xclbin_spec();
  spec.kernel.name = "other_kernel";
  const std::string what = expect_card_error(Kind::kBadXclbin, [&] {
    XrtCard card(options_for(write_variant(dir, "other.xclbin", spec)));
  });
  EXPECT_NE(what.find("no kernel 'vxsn_datapath'"), std::string::npos) << what;
}

TEST(XrtCardNoop, KernelBuiltForAnotherTableLayoutIsBadXclbin) {
  TempDir dir;
  xclbin::XclbinSpec spec = xrtcard::datapath_xclbin_spec();
  spec.build_metadata_json = xrtcard::datapath_build_metadata(card::kLayoutVersion + 1);
  const std::string what = expect_card_error(Kind::kBadXclbin, [&] {
    XrtCard card(options_for(write_variant(dir, "layout3.xclbin", spec)));
  });
  EXPECT_NE(what.find("table_layout_version 3"), std::string::npos) << what;
}

TEST(XrtCardNoop, XclbinWithoutVxsnBuildMetadataIsBadXclbin) {
  TempDir dir;
  xclbin::XclbinSpec spec = xrtcard::datapath_xclbin_spec();
  spec.build_metadata_json = R"({"build_metadata": {"xclbin": {}}})";
  expect_card_error(Kind::kBadXclbin,
                    [&] { XrtCard card(options_for(write_variant(dir, "foreign.xclbin", spec))); });
}

TEST(XrtCardNoop, ARejectedXclbinLeavesNothingBehindAndAGoodOneOpensAfter) {
  TempDir dir;
  xclbin::XclbinSpec spec = xrtcard::datapath_xclbin_spec();
  spec.kernel.args.pop_back();
  expect_card_error(Kind::kBadXclbin,
                    [&] { XrtCard card(options_for(write_variant(dir, "bad.xclbin", spec))); });
  XrtCard card(build_options());
  card.load_table(serialise_bank(two_vni_table(8)));
  EXPECT_EQ(card.status().table_version, 8u);
}

}  // namespace
}  // namespace vxsn
