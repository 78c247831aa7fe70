// Per-VNI counters of the software datapath over VNI churn: freed once a published table
// lacks the VNI and its publish() has returned, never while a reader may hold an older
// snapshot; a VNI that comes back counts from zero (issue 10, bounded state).
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

#include "host/datapath/counter_reclaim.hpp"

namespace vxsn {
namespace {

std::unique_ptr<FloodTable> table_of(const std::vector<uint32_t>& vnis,
                                     VniCounterRegistry& registry) {
  FloodTableBuilder b;
  for (uint32_t vni : vnis)
    b.add_vni(vni, {{*IpAddr::parse("10.0.0.1"), false, {}, 0}}, registry.get_or_create(vni));
  return b.build();
}

TEST(CounterReclaim, CountersOfVnisAPublishedTableLacksAreFreed) {
  VniCounterRegistry registry;
  FloodTablePublisher publisher;
  publish_reclaiming_counters(publisher, registry, table_of({1, 2, 3}, registry));
  ASSERT_EQ(registry.size(), 3u);
  registry.get_or_create(1)->traffic(0).frames_in.add(5);
  registry.get_or_create(2)->traffic(0).frames_in.add(7);

  publish_reclaiming_counters(publisher, registry, table_of({1, 3}, registry));
  EXPECT_EQ(registry.size(), 2u);
  EXPECT_EQ(registry.find(2), nullptr);
  EXPECT_EQ(registry.find(1)->snapshot().frames_in, 5u);  // a VNI that stays keeps counting
  const auto listed = registry.snapshots();
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].first, 1u);
  EXPECT_EQ(listed[1].first, 3u);

  publish_reclaiming_counters(publisher, registry, table_of({1, 2, 3}, registry));
  EXPECT_EQ(registry.find(2)->snapshot().frames_in, 0u);  // back again: from zero

  publish_reclaiming_counters(publisher, registry, table_of({}, registry));
  EXPECT_EQ(registry.size(), 0u);
}

TEST(CounterReclaim, ARetainOnlyKeepsExactlyTheLiveVnis) {
  VniCounterRegistry registry;
  for (uint32_t v = 0; v < 1000; ++v) registry.get_or_create(v);
  const std::vector<uint32_t> live = {3, 500, 999, 5000};  // 5000 never had counters
  registry.retain_only(live);
  EXPECT_EQ(registry.size(), 3u);
  for (uint32_t v : {3u, 500u, 999u}) EXPECT_NE(registry.find(v), nullptr);
  EXPECT_EQ(registry.find(5000), nullptr);
}

// A reader inside a read section holds the table that still names VNI 2: the counters stay
// until it leaves, and it can count into them meanwhile.
TEST(CounterReclaim, CountersOutliveEveryReaderOfTheOldTable) {
  VniCounterRegistry registry;
  FloodTablePublisher publisher;
  publish_reclaiming_counters(publisher, registry, table_of({1, 2}, registry));

  std::promise<void> holding, release;
  std::shared_future<void> released = release.get_future().share();
  std::thread reader([&] {
    RcuReaderThread rcu;
    FloodTablePublisher::ReadSection rs;
    const VniEntry* e = publisher.current_for_reader()->find(2);
    holding.set_value();
    released.wait();
    e->counters->traffic(0).frames_in.add(1);  // still its memory: publish() has not returned
  });
  holding.get_future().wait();
  std::atomic<bool> published{false};
  std::thread writer([&] {
    publish_reclaiming_counters(publisher, registry, table_of({1}, registry));
    published = true;
  });
  // publish() waits for the reader; until it returns, VNI 2's counters are there.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(published.load());
  EXPECT_NE(registry.find(2), nullptr);
  release.set_value();
  reader.join();
  writer.join();
  EXPECT_TRUE(published.load());
  EXPECT_EQ(registry.find(2), nullptr);
}

}  // namespace
}  // namespace vxsn
