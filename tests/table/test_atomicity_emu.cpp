// Atomicity on the emulated card: the control side streams membership changes through the
// table manager and the incremental compiler into bank images the card loads (idle bank,
// then flip) while another thread pushes frames through the card's kernel. Every frame's
// copies must be one whole member list. A list is recognisable by itself: generation x of
// VNI v is exactly {10.x.v.1 .. 10.x.v.n(x, v)}, so a mix of two lists or a part of one
// shows up without knowing which bank the frame met.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "driver/card/emu_card.hpp"
#include "host/daemon/card_table_spec.hpp"
#include "host/table/incremental_compiler.hpp"
#include "tests/datapath/test_frames.hpp"
#include "tests/table/table_test_support.hpp"

namespace vxsn {
namespace {

constexpr uint32_t kVnis = 4;
constexpr uint64_t kGenerations = 400;

unsigned count_of(unsigned x, uint32_t vni) {
  return 1 + (x * 7 + vni) % 13;
}

std::set<IpAddr> list_of(unsigned x, uint32_t vni) {
  std::set<IpAddr> out;
  for (unsigned k = 1; k <= count_of(x, vni); ++k)
    out.insert(
        test::ip("10." + std::to_string(x) + "." + std::to_string(vni) + "." + std::to_string(k)));
  return out;
}

// Copies of one frame, by destination.
class DestinationSink : public EmuCopySink {
 public:
  void on_copy(uint16_t, std::span<const uint8_t> copy) override {
    if (copy.size() >= 34) got.push_back(IpAddr::v4(copy.data() + 30));
  }
  std::vector<IpAddr> got;
};

// Empty string: a whole list of VNI `vni`.
std::string problem_with(const std::vector<IpAddr>& copies, uint32_t vni) {
  if (copies.empty()) return "no copies";
  const unsigned x = copies[0].bytes[1];
  const std::set<IpAddr> got(copies.begin(), copies.end());
  if (got.size() != copies.size()) return "a member copied twice";
  if (got != list_of(x, vni))
    return std::to_string(copies.size()) + " copies, not the whole list of generation " +
           std::to_string(x);
  return "";
}

TEST(AtomicityEmu, NoFrameIsReplicatedFromAHalfUpdatedList) {
  test::ManualClock clock;
  TableManager tm(test::table_config(), clock.fn());
  IncrementalCompiler compiler(
      [](MemberSpec& m) {
        m.resolved = true;
        m.next_hop_mac = MacAddr{{0x02, 0xAA, 0, 0, 0, 1}};
      },
      nullptr);
  compiler.set_layout(ReplicationParams{}, {EgressPort{MacAddr{{0x02, 0, 0, 0, 0, 1}}, 9216}});
  EmuCard card;
  CounterSlotAllocator slots;
  std::map<uint32_t, unsigned> current;  // VNI -> generation of its list

  auto load = [&](uint64_t version) {
    compiler.apply(tm.take_changes());
    auto table = compiler.build(version);
    CardTableSpec spec =
        card_table_spec(*table, [&](const VniEntry& e) { return slots.slot_of(e.vni); });
    spec.version = version;
    card.load_table(serialise_bank(spec));
  };
  auto set_list = [&](uint32_t vni, unsigned x) {
    if (current.count(vni))
      for (const IpAddr& a : list_of(current[vni], vni))
        tm.register_vtep(vni, a, 0, kHoldtimeWithdraw, a);
    for (const IpAddr& a : list_of(x, vni)) tm.register_vtep(vni, a, 0, kHoldtimeForever, a);
    current[vni] = x;
  };
  for (uint32_t vni = 1; vni <= kVnis; ++vni) set_list(vni, 0);
  load(1);

  std::vector<std::vector<uint8_t>> frames;
  for (uint32_t vni = 1; vni <= kVnis; ++vni) {
    test::FrameSpec s;
    s.src = test::ip("10.251.0.1");  // never a member
    s.vni = vni;
    frames.push_back(test::build_frame(s));
  }
  std::atomic<bool> done{false};
  std::atomic<uint64_t> checked{0}, bad{0};
  std::string first_problem;
  std::thread datapath([&] {
    while (!done.load(std::memory_order_relaxed)) {
      for (uint32_t vni = 1; vni <= kVnis; ++vni) {
        DestinationSink sink;
        card.process(frames[vni - 1], sink);
        const std::string p = problem_with(sink.got, vni);
        if (!p.empty() && bad.fetch_add(1) == 0)
          first_problem = "VNI " + std::to_string(vni) + ": " + p;
        checked.fetch_add(1, std::memory_order_relaxed);
      }
    }
  });

  for (uint64_t g = 1; g <= kGenerations; ++g) {
    // Each generation rewrites some VNIs only: the others keep their compiled blocks.
    for (uint32_t vni = 1; vni <= kVnis; ++vni)
      if ((g + vni) % 2 == 0) set_list(vni, static_cast<unsigned>(g % 250));
    load(g + 1);
  }
  while (checked.load() < 1000) std::this_thread::yield();
  done = true;
  datapath.join();

  EXPECT_EQ(bad.load(), 0u) << first_problem;
  EXPECT_GE(card.status().tables_loaded, kGenerations);
  RecordProperty("frames", std::to_string(checked.load()));
}

}  // namespace
}  // namespace vxsn
