// Atomicity: while the control side streams membership changes through the table manager,
// the incremental compiler and the RCU publisher, a datapath thread replicates frames with
// the reference datapath. Every frame's copies must go to exactly the member list of the
// one snapshot it read: never a mix of an old and a new list, never a partial list.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "host/datapath/replicator.hpp"
#include "host/table/incremental_compiler.hpp"
#include "tests/datapath/test_frames.hpp"
#include "tests/datapath/test_sinks.hpp"
#include "tests/table/table_test_support.hpp"

namespace vxsn {
namespace {

constexpr uint32_t kVnis = 6;
constexpr uint64_t kGenerations = 1500;

// Generation g changes the VNIs with (g + vni) % 3 == 0; a VNI's list is a pure function of
// the last generation that changed it, so the checker needs no record of the writer's work.
uint64_t last_change(uint64_t g, uint32_t vni) {
  while (g > 0 && (g + vni) % 3 != 0) --g;
  return g;
}

std::set<IpAddr> members_at(uint64_t g, uint32_t vni) {
  const uint64_t c = last_change(g, vni);
  std::set<IpAddr> out;
  const unsigned count = 1 + static_cast<unsigned>((c * 7 + vni) % 13);
  for (unsigned k = 1; k <= count; ++k)
    out.insert(test::ip("10." + std::to_string(c % 250) + "." + std::to_string(vni) + "." +
                        std::to_string(k)));
  return out;
}

IpAddr copy_destination(const std::vector<uint8_t>& copy) {
  return IpAddr::v4(copy.data() + 14 + 16);  // untagged IPv4: destination at IP offset 16
}

TEST(Atomicity, NoFrameIsReplicatedFromAHalfUpdatedList) {
  test::ManualClock clock;
  TableManager tm(test::table_config(), clock.fn());
  IncrementalCompiler compiler(
      [](MemberSpec& m) {
        m.resolved = true;
        m.next_hop_mac = MacAddr{{0x02, 0xAA, 0, 0, 0, 1}};
        m.egress_port = 0;
      },
      nullptr);
  ReplicationParams params;
  compiler.set_layout(params, {EgressPort{MacAddr{{0x02, 0, 0, 0, 0, 1}}, 9216}});
  FloodTablePublisher publisher;

  auto apply_generation = [&](uint64_t g) {
    for (uint32_t vni = 1; vni <= kVnis; ++vni) {
      if (g > 0 && last_change(g, vni) != g) continue;
      const std::set<IpAddr> before = g == 0 ? std::set<IpAddr>{} : members_at(g - 1, vni);
      const std::set<IpAddr> after = members_at(g, vni);
      for (const IpAddr& a : before)
        if (!after.count(a)) tm.register_vtep(vni, a, 0, kHoldtimeWithdraw, a);
      for (const IpAddr& a : after) tm.register_vtep(vni, a, 0, kHoldtimeForever, a);
    }
    compiler.apply(tm.take_changes());
    publisher.publish(compiler.build(g));
  };
  apply_generation(0);

  std::atomic<bool> done{false};
  std::atomic<uint64_t> frames{0}, bad{0}, versions_seen{0};
  std::string first_problem;
  std::thread datapath([&] {
    RcuReaderThread rcu;
    ParseConfig cfg;
    DatapathCounters counters;
    std::vector<std::vector<uint8_t>> inputs;
    for (uint32_t vni = 1; vni <= kVnis; ++vni) {
      test::FrameSpec s;
      s.src = test::ip("10.251.0.1");  // never a member: every member gets a copy
      s.vni = vni;
      inputs.push_back(test::build_frame(s));
    }
    uint64_t last_version = ~0ull;
    while (!done.load(std::memory_order_relaxed)) {
      FloodTablePublisher::ReadSection rs;
      const FloodTable& table = *publisher.current_for_reader();
      if (table.version() != last_version) {
        last_version = table.version();
        versions_seen.fetch_add(1, std::memory_order_relaxed);
      }
      for (uint32_t vni = 1; vni <= kVnis; ++vni) {
        test::CollectingSink sink;
        process_frame(inputs[vni - 1], cfg, table, counters, sink);
        std::set<IpAddr> got;
        for (const auto& c : sink.copies) got.insert(copy_destination(c.bytes));
        const std::set<IpAddr> want = members_at(table.version(), vni);
        if (got != want || sink.copies.size() != want.size()) {
          if (bad.fetch_add(1) == 0)
            first_problem = "version " + std::to_string(table.version()) + " VNI " +
                            std::to_string(vni) + ": " + std::to_string(got.size()) +
                            " copies, want " + std::to_string(want.size());
        }
        frames.fetch_add(1, std::memory_order_relaxed);
      }
    }
  });

  for (uint64_t g = 1; g <= kGenerations; ++g) apply_generation(g);
  // Let the reader see the final table too.
  while (frames.load() < 1000) std::this_thread::yield();
  done = true;
  datapath.join();

  EXPECT_EQ(bad.load(), 0u) << first_problem;
  EXPECT_GT(frames.load(), 0u);
  EXPECT_GT(versions_seen.load(), 1u);  // the reader did run across table changes
  RecordProperty("frames", std::to_string(frames.load()));
  RecordProperty("versions_seen", std::to_string(versions_seen.load()));
}

}  // namespace
}  // namespace vxsn
