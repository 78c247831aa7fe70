// FloodTable lookup and building, VniCounterRegistry, and RCU publication under concurrent
// readers.
#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <thread>

#include "host/datapath/flood_table.hpp"
#include "host/datapath/vni_counter_registry.hpp"
#include "tests/datapath/test_frames.hpp"

namespace vxsn {
namespace {

using test::ip;
using test::mac;

IpAddr v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  const uint8_t bytes[4] = {a, b, c, d};
  return IpAddr::v4(bytes);
}

std::vector<EgressPort> one_port() {
  return {EgressPort{mac("02:aa:00:00:00:00"), 9216}};
}

TEST(FloodTable, FindsPresentVnisAndNotAbsentOnesAmongMany) {
  VniCounterRegistry registry;
  FloodTableBuilder b;
  b.set_egress_ports(one_port());
  // Every third VNI, spread over the 24-bit space, with a VNI-specific member count.
  constexpr uint32_t kCount = 20000;
  for (uint32_t i = 0; i < kCount; ++i) {
    const uint32_t vni = i * 3 + 1 + (i % 7) * 2000000;
    std::vector<MemberSpec> members;
    for (uint32_t m = 0; m < 1 + i % 4; ++m)
      members.push_back(
          {v4(10, uint8_t(i >> 8), uint8_t(i), uint8_t(m)), true, mac("02:00:00:00:00:01"), 0});
    b.add_vni(vni, std::move(members), registry.get_or_create(vni));
  }
  auto t = b.build();
  EXPECT_EQ(t->vni_count(), kCount);
  for (uint32_t i = 0; i < kCount; ++i) {
    const uint32_t vni = i * 3 + 1 + (i % 7) * 2000000;
    const VniEntry* e = t->find(vni);
    ASSERT_NE(e, nullptr) << vni;
    EXPECT_EQ(e->vni, vni);
    ASSERT_EQ(e->members.size(), 1 + i % 4);
    EXPECT_EQ(e->members[0].addr, v4(10, uint8_t(i >> 8), uint8_t(i), 0));
    EXPECT_EQ(e->counters, registry.get_or_create(vni));
  }
  unsigned absent_found = 0;
  for (uint32_t vni : {0u, 2u, 3u, 5u, 6u, 0xFFFFFFu, 1999999u, 12345678u})
    absent_found += t->find(vni) != nullptr;
  EXPECT_EQ(absent_found, 0u);
  // Every VNI once, in its own shard; sorted_entries() lists them all in VNI order.
  size_t listed = 0;
  t->for_each_entry([&](const VniEntry& e) {
    ++listed;
    EXPECT_EQ(t->find(e.vni), &e);
  });
  EXPECT_EQ(listed, kCount);
  for (unsigned s = 0; s < FloodTable::kShards; ++s)
    for (const VniEntry& e : t->shards()[s]->entries) EXPECT_EQ(FloodTable::shard_of(e.vni), s);
  const auto sorted = t->sorted_entries();
  ASSERT_EQ(sorted.size(), kCount);
  for (size_t i = 1; i < sorted.size(); ++i) EXPECT_LT(sorted[i - 1]->vni, sorted[i]->vni);
  EXPECT_EQ(t->counted_vni_count(), kCount);
}

TEST(FloodTable, EmptyTableFindsNothing) {
  auto t = FloodTableBuilder().build();
  EXPECT_EQ(t->vni_count(), 0u);
  EXPECT_EQ(t->find(0), nullptr);
  EXPECT_EQ(t->find(100), nullptr);
}

TEST(FloodTable, KeepsMemberOrderAndFlagsIpv6Vnis) {
  auto t =
      FloodTableBuilder()
          .set_egress_ports(one_port())
          .set_version(42)
          .add_vni(7, {{ip("10.0.0.3"), false, {}, 0}, {ip("10.0.0.1"), false, {}, 0}}, nullptr)
          .add_vni(8, {{ip("10.0.0.3"), false, {}, 0}, {ip("fd00::1"), false, {}, 0}}, nullptr)
          .build();
  EXPECT_EQ(t->version(), 42u);
  const VniEntry* e7 = t->find(7);
  ASSERT_NE(e7, nullptr);
  EXPECT_EQ(e7->members[0].addr, ip("10.0.0.3"));
  EXPECT_EQ(e7->members[1].addr, ip("10.0.0.1"));
  EXPECT_FALSE(e7->has_ipv6_member);
  EXPECT_TRUE(t->find(8)->has_ipv6_member);
}

TEST(FloodTable, MemberTemplateCarriesFixedHeaderFields) {
  ReplicationParams p;
  p.ttl = 9;
  p.vxlan_port = 4790;
  auto t = FloodTableBuilder()
               .set_params(p)
               .set_egress_ports(one_port())
               .add_vni(1, {{ip("192.0.2.7"), true, mac("02:00:00:00:00:07"), 0}}, nullptr)
               .build();
  const Member& m = t->find(1)->members[0];
  const std::vector<uint8_t> head(m.outer.begin(), m.outer.begin() + 42);
  const std::vector<uint8_t> expected = {
      0x02, 0x00, 0x00, 0x00, 0x00, 0x07, 0x02, 0xaa, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00,
      0x45, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x00, 0x09, 0x11, 0x00, 0x00, 0x00, 0x00,
      0x00, 0x00, 0xc0, 0x00, 0x02, 0x07, 0x00, 0x00, 0x12, 0xb6, 0x00, 0x00, 0x00, 0x00};
  EXPECT_EQ(head, expected);
  EXPECT_EQ(m.ip_header_len, 20);
}

TEST(FloodTableBuilder, RejectsInvalidInput) {
  auto base = [] {
    FloodTableBuilder b;
    b.set_egress_ports(one_port());
    return b;
  };
  EXPECT_THROW(base().add_vni(1u << 24, {}, nullptr).build(), std::invalid_argument);
  EXPECT_THROW(base().add_vni(5, {}, nullptr).add_vni(5, {}, nullptr).build(),
               std::invalid_argument);
  EXPECT_THROW(base().add_vni(5, {{IpAddr{}, false, {}, 0}}, nullptr).build(),
               std::invalid_argument);
  EXPECT_THROW(
      base()
          .add_vni(5, {{ip("10.0.0.1"), false, {}, 0}, {ip("10.0.0.1"), false, {}, 0}}, nullptr)
          .build(),
      std::invalid_argument);
  // A duplicate far from its twin in a long list is found too, and named.
  std::vector<MemberSpec> many;
  for (int i = 0; i < 3000; ++i) {
    const std::string a = "10.1." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1);
    many.push_back({ip(a.c_str()), false, {}, 0});
  }
  EXPECT_NO_THROW(base().add_vni(5, many, nullptr).build());
  many.push_back(many[17]);
  try {
    base().add_vni(5, many, nullptr).build();
    ADD_FAILURE() << "a member listed twice was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("member 10.1.0.18 listed twice"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(base().add_vni(5, {{ip("10.0.0.1"), true, {}, 1}}, nullptr).build(),
               std::invalid_argument);
  // An unresolved member's port is not used, so it is not checked.
  EXPECT_NO_THROW(base().add_vni(5, {{ip("10.0.0.1"), false, {}, 9}}, nullptr).build());
  ReplicationParams own;
  own.source_mode = SourceIpMode::kOwnAddress;
  own.own_v4 = ip("10.0.0.254");
  EXPECT_NO_THROW(
      base().set_params(own).add_vni(5, {{ip("10.0.0.1"), false, {}, 0}}, nullptr).build());
  EXPECT_THROW(base().set_params(own).add_vni(5, {{ip("fd00::1"), false, {}, 0}}, nullptr).build(),
               std::invalid_argument);
}

TEST(VniCounterRegistry, HandsOutStablePointersAndListsAll) {
  VniCounterRegistry r;
  VniCounters* a = r.get_or_create(100);
  for (uint32_t v = 0; v < 1000; ++v) r.get_or_create(5000 + v);
  EXPECT_EQ(r.get_or_create(100), a);
  EXPECT_EQ(r.find(100), a);
  EXPECT_EQ(r.find(7), nullptr);
  a->traffic(0).copies_out.add(3);
  const auto all = r.snapshots();
  ASSERT_EQ(all.size(), 1001u);
  EXPECT_EQ(all[0].first, 100u);
  EXPECT_EQ(all[0].second.copies_out, 3u);
  EXPECT_EQ(all[1].first, 5000u);
}

TEST(DatapathCounters, SnapshotReflectsSingleWriterAdds) {
  DatapathCounters c;
  c.rx_frames.add(2);
  c.rx_bytes.add(140);
  c.tx_copies.add(5);
  c.tx_bytes.add(350);
  c.count_drop(DropReason::kWrongPort);
  c.count_drop(DropReason::kNoBuffer, 4);
  const DatapathCountersSnapshot s = c.snapshot();
  EXPECT_EQ(s.rx_frames, 2u);
  EXPECT_EQ(s.rx_bytes, 140u);
  EXPECT_EQ(s.tx_copies, 5u);
  EXPECT_EQ(s.tx_bytes, 350u);
  EXPECT_EQ(s.drop(DropReason::kWrongPort), 1u);
  EXPECT_EQ(s.drop(DropReason::kNoBuffer), 4u);
  EXPECT_EQ(s.drop(DropReason::kNone), 0u);
}

TEST(DatapathCounters, ReadableFromAnotherThreadWhileWritten) {
  DatapathCounters c;
  std::atomic<bool> done{false};
  uint64_t last_seen = 0;
  bool monotonic = true;
  std::thread reader([&] {
    while (!done.load()) {
      const uint64_t v = c.snapshot().tx_copies;
      monotonic &= v >= last_seen;
      last_seen = v;
    }
  });
  for (int i = 0; i < 200000; ++i) c.tx_copies.add(1);
  done = true;
  reader.join();
  EXPECT_TRUE(monotonic);
  EXPECT_EQ(c.snapshot().tx_copies, 200000u);
}

// Snapshot g: VNIs 1..kVnis, each with kMembers members 10.<g_hi>.<g_lo>.<m>, version g.
std::unique_ptr<FloodTable> generation(uint32_t g) {
  constexpr uint32_t kVnis = 16, kMembers = 8;
  FloodTableBuilder b;
  b.set_egress_ports(one_port()).set_version(g);
  for (uint32_t vni = 1; vni <= kVnis; ++vni) {
    std::vector<MemberSpec> members;
    const uint32_t count = kMembers - (g % 3);  // list length changes between generations
    for (uint32_t m = 0; m < count; ++m)
      members.push_back(
          {v4(10, uint8_t(g >> 8), uint8_t(g), uint8_t(m)), true, mac("02:00:00:00:00:01"), 0});
    b.add_vni(vni, std::move(members), nullptr);
  }
  return b.build();
}

TEST(FloodTablePublisher, ReadersNeverSeeAMixOfSnapshots) {
  FloodTablePublisher pub;
  {
    RcuReaderThread self;  // the main thread also reads once, registered
    FloodTablePublisher::ReadSection rs;
    EXPECT_EQ(pub.current_for_reader()->vni_count(), 0u) << "starts with an empty table";
  }
  pub.publish(generation(1));

  constexpr uint32_t kGenerations = 3000;
  std::atomic<bool> done{false};
  std::atomic<uint64_t> inconsistencies{0}, reads{0}, backwards{0};
  auto reader = [&] {
    RcuReaderThread registration;
    uint64_t last_version = 0;
    do {  // at least one read even if the writer is already done
      FloodTablePublisher::ReadSection rs;
      const FloodTable* t = pub.current_for_reader();
      const uint32_t g = static_cast<uint32_t>(t->version());
      if (g < last_version) backwards.fetch_add(1);
      last_version = g;
      bool ok = t->vni_count() == 16;
      for (uint32_t vni = 1; vni <= 16 && ok; ++vni) {
        const VniEntry* e = t->find(vni);
        ok = e != nullptr && e->members.size() == 8 - (g % 3);
        for (size_t m = 0; ok && m < e->members.size(); ++m) {
          const IpAddr& a = e->members[m].addr;
          ok = a.bytes[1] == uint8_t(g >> 8) && a.bytes[2] == uint8_t(g) && a.bytes[3] == m;
        }
      }
      if (!ok) inconsistencies.fetch_add(1);
      reads.fetch_add(1, std::memory_order_relaxed);
    } while (!done.load(std::memory_order_relaxed));
  };
  std::thread r1(reader), r2(reader);
  for (uint32_t g = 2; g <= kGenerations; ++g) pub.publish(generation(g));
  done = true;
  r1.join();
  r2.join();
  EXPECT_EQ(inconsistencies.load(), 0u);
  EXPECT_EQ(backwards.load(), 0u);
  EXPECT_GT(reads.load(), 0u);
  RcuReaderThread self;
  FloodTablePublisher::ReadSection rs;
  EXPECT_EQ(pub.current_for_reader()->version(), kGenerations);
}

}  // namespace
}  // namespace vxsn
