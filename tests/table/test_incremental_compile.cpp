// Incremental compile: after any sequence of changes, the snapshot built from kept per-VNI
// blocks equals a from-scratch build of the same membership, and VNIs the batch did not
// touch keep their blocks (shared, not recompiled).
#include "host/table/incremental_compiler.hpp"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>

#include "tests/table/table_test_support.hpp"

namespace vxsn {
namespace {

using namespace std::chrono_literals;
using test::ip;

struct Hop {
  bool resolved = false;
  uint8_t mac_tail = 0;
  uint16_t port = 0;
};

class IncrementalCompileTest : public ::testing::Test {
 protected:
  IncrementalCompileTest()
      : compiler([this](MemberSpec& m) { resolve(m); },
                 [this](uint32_t vni) { return &counters[vni % counters.size()]; }) {
    params.source_mode = SourceIpMode::kKeepOriginal;
    params.own_v4 = ip("10.255.0.1");
    params.own_v6 = ip("fd00::ff");
    ports = {EgressPort{*MacAddr::parse("02:00:00:00:00:01"), 9216},
             EgressPort{*MacAddr::parse("02:00:00:00:00:02"), 1514}};
    compiler.set_layout(params, ports);
  }

  void resolve(MemberSpec& m) {
    auto it = hops.find(m.addr);
    if (it == hops.end() || !it->second.resolved) return;
    m.resolved = true;
    m.next_hop_mac = MacAddr{{0x02, 0xAA, 0, 0, 0, it->second.mac_tail}};
    m.egress_port = it->second.port;
  }

  // The reference: every VNI compiled from scratch by the plain builder.
  std::unique_ptr<FloodTable> from_scratch(const std::vector<VniChange>& all) {
    FloodTableBuilder b;
    b.set_params(params).set_egress_ports(ports);
    for (const VniChange& v : all) {
      std::vector<MemberSpec> specs;
      for (const TableMember& m : v.members) {
        MemberSpec s;
        s.addr = m.addr;
        s.refresh_from_traffic = m.learned;
        resolve(s);
        specs.push_back(s);
      }
      b.add_vni(v.vni, specs, &counters[v.vni % counters.size()]);
    }
    return b.build();
  }

  static void expect_equal(const FloodTable& got, const FloodTable& want) {
    ASSERT_EQ(got.vni_count(), want.vni_count());
    for (const VniEntry* entry : want.sorted_entries()) {
      const VniEntry& w = *entry;
      const VniEntry* g = got.find(w.vni);
      ASSERT_NE(g, nullptr) << "VNI " << w.vni;
      EXPECT_EQ(g->vni, w.vni);
      EXPECT_EQ(g->counters, w.counters);
      EXPECT_EQ(g->has_ipv6_member, w.has_ipv6_member);
      ASSERT_EQ(g->members.size(), w.members.size()) << "VNI " << w.vni;
      for (size_t j = 0; j < w.members.size(); ++j) {
        const Member& a = g->members[j];
        const Member& b = w.members[j];
        EXPECT_EQ(a.addr, b.addr);
        EXPECT_EQ(a.resolved, b.resolved);
        EXPECT_EQ(a.has_own_source, b.has_own_source);
        EXPECT_EQ(a.egress_port, b.egress_port);
        EXPECT_EQ(a.ip_header_len, b.ip_header_len);
        EXPECT_EQ(a.refresh_from_traffic, b.refresh_from_traffic);
        EXPECT_EQ(a.outer, b.outer);
        EXPECT_EQ(a.fixed_sum, b.fixed_sum);
        EXPECT_EQ(a.own_source_sum, b.own_source_sum);
      }
    }
  }

  ReplicationParams params;
  std::vector<EgressPort> ports;
  std::map<IpAddr, Hop> hops;
  std::array<VniCounters, 7> counters{};
  IncrementalCompiler compiler;
};

TEST_F(IncrementalCompileTest, RandomChangeSequencesMatchAFromScratchCompile) {
  test::ManualClock clock;
  Config c = test::table_config({{1, {ip("10.0.0.1"), ip("fd00::1")}}, {2, {}}});
  c.table.learn_holdtime_s = 20;
  TableManager tm(c, clock.fn());
  std::mt19937 rng(20240607);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  auto random_addr = [&] {
    return pick(4) == 0 ? ip("fd00::" + std::to_string(1 + pick(12)))
                        : ip("10.0.0." + std::to_string(1 + pick(24)));
  };

  std::unique_ptr<FloodTable> previous;
  for (int round = 0; round < 300; ++round) {
    const int ops = 1 + pick(6);
    for (int k = 0; k < ops; ++k) {
      const uint32_t vni = 1 + static_cast<uint32_t>(pick(40));
      const IpAddr a = random_addr();
      switch (pick(7)) {
        case 0:
        case 1:
          tm.register_vtep(vni, a, static_cast<uint64_t>(pick(5)), 5 + pick(30), a);
          break;
        case 2:
          tm.register_vtep(vni, a, static_cast<uint64_t>(pick(5)), 0, a);
          break;
        case 3:
          tm.learn(vni, a);
          break;
        case 4:
          clock.advance(std::chrono::milliseconds(pick(4000)));
          tm.advance();
          break;
        case 5: {  // a next hop changes
          Hop& h = hops[a];
          h.resolved = pick(3) != 0;
          h.mac_tail = static_cast<uint8_t>(pick(256));
          h.port = static_cast<uint16_t>(pick(2));
          compiler.invalidate_address(a);
          break;
        }
        case 6:
          if (pick(10) == 0) {  // SIGHUP with a different static set
            Config next = test::table_config(
                {{static_cast<uint32_t>(1 + pick(3)), {random_addr(), random_addr()}}});
            if (next.vnis[0].members[0] == next.vnis[0].members[1]) next.vnis[0].members.pop_back();
            next.table.learn_holdtime_s = 20;
            tm.reconfigure(next);
          }
          break;
      }
    }
    const std::vector<VniChange> changes = tm.take_changes();
    std::set<uint32_t> changed;
    for (const VniChange& ch : changes) changed.insert(ch.vni);
    compiler.apply(changes);
    auto table = compiler.build(static_cast<uint64_t>(round));
    auto reference = from_scratch(tm.snapshot());
    expect_equal(*table, *reference);
    ASSERT_FALSE(HasFatalFailure()) << "round " << round;
    EXPECT_EQ(compiler.stats().vnis, reference->vni_count());

    // Untouched VNIs whose members' next hops did not change share the previous block.
    if (previous) {
      table->for_each_entry([&](const VniEntry& e) {
        if (changed.count(e.vni)) return;
        const VniEntry* old = previous->find(e.vni);
        if (old == nullptr) return;
        const bool same_span = old->members.data() == e.members.data();
        // Either shared, or recompiled because a member's next hop was invalidated.
        if (!same_span) {
          bool invalidated = false;
          for (const Member& m : e.members) invalidated |= hops.count(m.addr) > 0;
          EXPECT_TRUE(invalidated) << "VNI " << e.vni << " recompiled without a reason";
        }
      });
      // A shard none of whose VNIs changed is the previous table's, shared whole.
      for (unsigned s = 0; s < FloodTable::kShards; ++s) {
        bool touched = false;
        for (const VniEntry& e : previous->shards()[s]->entries)
          touched |=
              changed.count(e.vni) > 0 || table->find(e.vni)->members.data() != e.members.data();
        for (const VniEntry& e : table->shards()[s]->entries) touched |= changed.count(e.vni) > 0;
        if (!touched) {
          EXPECT_EQ(table->shards()[s], previous->shards()[s]) << "shard " << s;
        }
      }
    }
    previous = std::move(table);
  }
  EXPECT_GT(tm.counters().expired, 0u);  // the sequence did exercise ageing
}

TEST_F(IncrementalCompileTest, OneChangedVniRecompilesThatVniOnly) {
  for (uint32_t vni = 1; vni <= 100; ++vni)
    compiler.apply(VniChange{vni, true, {{ip("10.0.0.1"), false}, {ip("10.0.0.2"), false}}});
  auto first = compiler.build(1);
  EXPECT_EQ(compiler.stats().recompiled_vnis, 100u);
  compiler.apply(VniChange{42, true, {{ip("10.0.0.3"), true}}});
  auto second = compiler.build(2);
  EXPECT_EQ(compiler.stats().recompiled_vnis, 1u);
  for (uint32_t vni = 1; vni <= 100; ++vni) {
    const bool shared = first->find(vni)->members.data() == second->find(vni)->members.data();
    EXPECT_EQ(shared, vni != 42) << vni;
  }
  ASSERT_EQ(second->find(42)->members.size(), 1u);
  EXPECT_TRUE(second->find(42)->members[0].refresh_from_traffic);
  // The first snapshot is untouched by the second build (readers may still hold it).
  EXPECT_EQ(first->find(42)->members.size(), 2u);
}

TEST_F(IncrementalCompileTest, NextHopChangeRecompilesTheVnisOfThatAddress) {
  compiler.apply(VniChange{1, true, {{ip("10.0.0.1"), false}}});
  compiler.apply(VniChange{2, true, {{ip("10.0.0.1"), false}, {ip("10.0.0.2"), false}}});
  compiler.apply(VniChange{3, true, {{ip("10.0.0.2"), false}}});
  auto first = compiler.build(1);
  EXPECT_EQ(compiler.stats().unresolved, 4u);
  hops[ip("10.0.0.1")] = Hop{true, 0x11, 1};
  compiler.invalidate_address(ip("10.0.0.1"));
  auto second = compiler.build(2);
  EXPECT_EQ(compiler.stats().recompiled_vnis, 2u);
  EXPECT_EQ(compiler.stats().unresolved, 2u);
  EXPECT_TRUE(second->find(1)->members[0].resolved);
  EXPECT_EQ(second->find(1)->members[0].egress_port, 1);
  EXPECT_EQ(second->find(3)->members.data(), first->find(3)->members.data());
}

// A VNI's change re-indexes only the addresses that came or went: afterwards a next-hop
// change of a kept or an added member recompiles the VNI, one of a member that left does not.
TEST_F(IncrementalCompileTest, ChangedMembershipKeepsTheAddressIndexExact) {
  compiler.apply(VniChange{
      7, true, {{ip("10.0.0.1"), false}, {ip("10.0.0.2"), false}, {ip("10.0.0.3"), false}}});
  compiler.build(1);
  compiler.apply(VniChange{
      7, true, {{ip("10.0.0.1"), false}, {ip("10.0.0.3"), true}, {ip("10.0.0.4"), false}}});
  compiler.build(2);
  auto recompiled_after_hop_change = [&](const char* addr, uint64_t version) {
    compiler.invalidate_address(ip(addr));
    compiler.build(version);
    return compiler.stats().recompiled_vnis;
  };
  EXPECT_EQ(recompiled_after_hop_change("10.0.0.2", 3), 0u);  // left
  EXPECT_EQ(recompiled_after_hop_change("10.0.0.1", 4), 1u);  // kept
  EXPECT_EQ(recompiled_after_hop_change("10.0.0.3", 5), 1u);  // kept, now learned
  EXPECT_EQ(recompiled_after_hop_change("10.0.0.4", 6), 1u);  // added
  // An unsorted list (not what the table manager hands out) is indexed whole.
  compiler.apply(VniChange{7, true, {{ip("10.0.0.9"), false}, {ip("10.0.0.5"), false}}});
  compiler.build(7);
  EXPECT_EQ(recompiled_after_hop_change("10.0.0.1", 8), 0u);
  EXPECT_EQ(recompiled_after_hop_change("10.0.0.5", 9), 1u);
  EXPECT_EQ(recompiled_after_hop_change("10.0.0.9", 10), 1u);
}

// A batch large enough for threads (and for the address index to be built later): the
// table equals a from-scratch build, the counts add up, and a next-hop change afterwards
// still finds exactly the VNIs of that address.
TEST_F(IncrementalCompileTest, LargeBatchOnThreadsMatchesAFromScratchCompile) {
  std::mt19937 rng(7);
  std::vector<VniChange> all;
  for (uint32_t vni = 1; vni <= 300; ++vni) {
    VniChange c{vni, true, {}};
    for (uint32_t m = 0; m < 256; ++m)
      c.members.push_back(
          {ip("10." + std::to_string(vni % 7) + "." + std::to_string(m) + ".1"), rng() % 3 == 0});
    std::sort(c.members.begin(), c.members.end());
    all.push_back(std::move(c));
  }
  for (uint32_t i = 0; i < 4000; ++i)
    hops[ip("10." + std::to_string(i % 7) + "." + std::to_string(i / 7 % 256) + ".1")] =
        Hop{rng() % 4 != 0, static_cast<uint8_t>(i), static_cast<uint16_t>(i % 2)};
  compiler.apply(all);
  auto table = compiler.build(1, 4);
  expect_equal(*table, *from_scratch(all));
  EXPECT_EQ(compiler.stats().members, 76800u);
  EXPECT_EQ(compiler.stats().recompiled_vnis, 300u);
  size_t unresolved = 0;
  for (const VniEntry* e : table->sorted_entries())
    for (const Member& m : e->members) unresolved += !m.resolved;
  EXPECT_EQ(compiler.stats().unresolved, unresolved);

  // 10.3.5.1 is a member of the VNIs with vni % 7 == 3: 43 of them.
  hops[ip("10.3.5.1")] = Hop{true, 0x77, 1};
  compiler.invalidate_address(ip("10.3.5.1"));
  auto second = compiler.build(2, 4);
  EXPECT_EQ(compiler.stats().recompiled_vnis, 43u);
  expect_equal(*second, *from_scratch(all));
}

// The same member list again (the table manager's first batch after a warm start) keeps
// the compiled blocks: nothing compiles, the snapshot shares every VNI.
TEST_F(IncrementalCompileTest, TheSameListAgainCompilesNothing) {
  std::vector<VniChange> all;
  for (uint32_t vni = 1; vni <= 50; ++vni)
    all.push_back(VniChange{vni, true, {{ip("10.0.0.1"), false}, {ip("10.0.0.2"), vni == 7}}});
  compiler.apply(all);
  auto first = compiler.build(1);
  compiler.apply(all);
  compiler.apply(VniChange{9, true, {{ip("10.0.0.3"), false}}});
  auto second = compiler.build(2);
  EXPECT_EQ(compiler.stats().recompiled_vnis, 1u);
  for (uint32_t vni = 1; vni <= 50; ++vni)
    EXPECT_EQ(first->find(vni)->members.data() == second->find(vni)->members.data(), vni != 9)
        << vni;
}

TEST_F(IncrementalCompileTest, OwnAddressModeLeavesOutFamiliesWithoutAnOwnAddress) {
  params.source_mode = SourceIpMode::kOwnAddress;
  params.own_v6 = IpAddr{};
  compiler.set_layout(params, ports);
  compiler.apply(VniChange{1, true, {{ip("10.0.0.1"), false}, {ip("fd00::1"), false}}});
  auto t = compiler.build(1);
  ASSERT_EQ(t->find(1)->members.size(), 1u);
  EXPECT_EQ(t->find(1)->members[0].addr, ip("10.0.0.1"));
  EXPECT_EQ(compiler.stats().refused_members, 1u);
}

TEST_F(IncrementalCompileTest, RemovedVniLeavesTheTable) {
  compiler.apply(VniChange{1, true, {{ip("10.0.0.1"), false}}});
  compiler.apply(VniChange{2, true, {}});
  auto t = compiler.build(1);
  EXPECT_EQ(t->vni_count(), 2u);
  compiler.apply(VniChange{1, false, {}});
  t = compiler.build(2);
  EXPECT_EQ(t->vni_count(), 1u);
  EXPECT_EQ(t->find(1), nullptr);
  EXPECT_NE(t->find(2), nullptr);
  EXPECT_EQ(compiler.stats().members, 0u);
}

// A VNI of many members changed by one member compiles as an edit of its previous block
// (only that member gets a template) and the table equals a from-scratch compile after each
// kind of change: an add, a removal, one member's next hop, its learned flag, the highest
// address leaving, a removed member coming back, and a list naming a member twice.
class BigVniEditTest : public IncrementalCompileTest {
 protected:
  static constexpr uint32_t kBig = 4242;
  static constexpr uint32_t kSmall = 17;

  BigVniEditTest() {
    for (uint32_t i = 0; i < 3000; ++i) {
      const IpAddr a =
          i % 10 == 9 ? ip("fd00::" + std::to_string(i + 1))
                      : ip("10.9." + std::to_string(i / 200) + "." + std::to_string(i % 200 + 1));
      big.members.push_back({a, i % 7 == 0});
      if (i % 5 != 0) hops[a] = Hop{true, static_cast<uint8_t>(i), static_cast<uint16_t>(i % 2)};
    }
    std::sort(big.members.begin(), big.members.end());
  }

  // The big VNI as `big` says now, compiled; the table must equal a from-scratch compile
  // and, if `edited`, the big VNI must have compiled as an edit.
  void compile_and_compare(bool edited = true) {
    compiler.apply(big);
    auto table = compiler.build(++version);
    expect_equal(*table, *from_scratch({big, small}));
    EXPECT_EQ(compiler.stats().members, big.members.size() + small.members.size());
    size_t unresolved = 0;
    for (const TableMember& m : big.members) unresolved += !hops[m.addr].resolved;
    for (const TableMember& m : small.members) unresolved += !hops[m.addr].resolved;
    EXPECT_EQ(compiler.stats().unresolved, unresolved);
    EXPECT_EQ(compiler.stats().recompiled_vnis, 1u);
    EXPECT_EQ(compiler.stats().edited_vnis, edited ? 1u : 0u);
  }

  void first_build() {
    compiler.apply(big);
    compiler.apply(small);
    auto table = compiler.build(++version);
    expect_equal(*table, *from_scratch({big, small}));
    EXPECT_EQ(compiler.stats().edited_vnis, 0u);  // nothing to edit yet
  }

  void insert(const TableMember& m) {
    big.members.insert(std::lower_bound(big.members.begin(), big.members.end(), m), m);
  }
  void erase_at(size_t i) { big.members.erase(big.members.begin() + static_cast<long>(i)); }

  VniChange big{kBig, true, {}};
  VniChange small{kSmall, true, {{ip("10.1.1.1"), false}, {ip("10.9.0.1"), false}}};
  uint64_t version = 0;
};

TEST_F(BigVniEditTest, OneMemberAddedOrRemovedMatchesAFromScratchCompile) {
  first_build();
  insert({ip("10.9.3.250"), false});  // added, resolved
  hops[ip("10.9.3.250")] = Hop{true, 0x42, 1};
  compile_and_compare();
  insert({ip("10.0.0.1"), true});  // added first, learned, no next hop
  compile_and_compare();
  erase_at(0);  // the first member removed
  compile_and_compare();
  const TableMember middle = big.members[1500];
  erase_at(1500);  // a member from the middle removed...
  compile_and_compare();
  insert(middle);  // ...and added again
  compile_and_compare();
  const TableMember highest = big.members.back();
  big.members.pop_back();  // the highest address removed
  compile_and_compare();
  insert(highest);
  compile_and_compare();
}

TEST_F(BigVniEditTest, OneMembersNextHopOrLearnedFlagChangedMatchesAFromScratchCompile) {
  first_build();
  const IpAddr moved = big.members[700].addr;
  hops[moved] = Hop{true, 0x99, 0};  // a new next hop: its template changes
  compiler.invalidate_address(moved);
  compile_and_compare();
  hops[moved].resolved = false;  // the neighbour went away
  compiler.invalidate_address(moved);
  compile_and_compare();
  // A next-hop change reaches the small VNI too when it shares the address.
  hops[ip("10.9.0.1")] = Hop{true, 0x55, 1};
  compiler.invalidate_address(ip("10.9.0.1"));
  compiler.apply(big);
  auto table = compiler.build(++version);
  expect_equal(*table, *from_scratch({big, small}));
  EXPECT_EQ(compiler.stats().recompiled_vnis, 2u);
  EXPECT_EQ(compiler.stats().edited_vnis, 2u);
  big.members[1200].learned = !big.members[1200].learned;  // learned flag flipped
  compile_and_compare();
  // Many changes at once (most of the list): still exact.
  for (size_t i = 0; i < big.members.size(); i += 2)
    big.members[i].learned = !big.members[i].learned;
  compile_and_compare();
}

TEST_F(BigVniEditTest, TheLastMemberLeavingAndComingBackMatchesAFromScratchCompile) {
  big.members.resize(1);
  first_build();
  const TableMember only = big.members[0];
  big.members.clear();  // the VNI stays, empty
  compile_and_compare();
  ASSERT_EQ(compiler.stats().members, small.members.size());
  big.members.push_back(only);
  compile_and_compare();
}

// A member listed twice is refused as a from-scratch compile refuses it; the running table's
// block stays, and the corrected list then compiles as an edit of it.
TEST_F(BigVniEditTest, AMemberListedTwiceIsRefusedAsAFromScratchCompileRefusesIt) {
  first_build();
  const std::vector<TableMember> good = big.members;
  const TableMember twice = big.members[10];
  big.members.insert(big.members.begin() + 10, twice);
  compiler.apply(big);
  EXPECT_THROW(compiler.build(++version), std::invalid_argument);
  EXPECT_THROW(from_scratch({big, small}), std::invalid_argument);
  // The same address twice with different learned flags, sorted: refused as well.
  big.members = good;
  big.members.insert(big.members.begin() + 11, TableMember{twice.addr, true});
  ASSERT_TRUE(std::is_sorted(big.members.begin(), big.members.end()));
  compiler.apply(big);
  EXPECT_THROW(compiler.build(++version), std::invalid_argument);
  big.members = good;
  erase_at(5);
  compile_and_compare();
}

// Own-address mode without an own IPv6 address leaves the IPv6 members out, counted, in an
// edit as in a whole compile.
TEST_F(BigVniEditTest, OwnAddressModeLeavesOutTheSameMembersInAnEdit) {
  params.source_mode = SourceIpMode::kOwnAddress;
  params.own_v6 = IpAddr{};
  compiler.set_layout(params, ports);
  compiler.apply(big);
  compiler.build(++version);
  const size_t v6 = static_cast<size_t>(std::count_if(
      big.members.begin(), big.members.end(), [](const TableMember& m) { return m.addr.is_v6(); }));
  EXPECT_EQ(compiler.stats().refused_members, v6);
  insert({ip("fd00::9999"), false});
  insert({ip("10.9.200.1"), false});
  compiler.apply(big);
  auto table = compiler.build(++version);
  EXPECT_EQ(compiler.stats().edited_vnis, 1u);
  EXPECT_EQ(compiler.stats().refused_members, v6 + 1);
  VniChange served = big;
  std::erase_if(served.members, [](const TableMember& m) { return m.addr.is_v6(); });
  expect_equal(*table, *from_scratch({served}));
}

}  // namespace
}  // namespace vxsn
