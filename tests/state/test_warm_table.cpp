// The warm table a restart forwards with first (host/state/warm_table.hpp): built from the
// state file's sources and the config's static members, it must list exactly what the
// table manager lists once the same sources are restored, so the manager's first batch
// changes nothing that was forwarded; and it is not used when the sources exceed a limit.
#include <gtest/gtest.h>

#include "host/state/warm_table.hpp"
#include "tests/table/table_test_support.hpp"

namespace vxsn::test {
namespace {

using namespace std::chrono_literals;

SavedSource registered(uint32_t vni, const char* vtep, uint64_t id,
                       SavedSource::TimePoint expires) {
  return {vni, ip(vtep), EntrySource::kRegistered, id, expires};
}

SavedSource learned(uint32_t vni, const char* vtep, SavedSource::TimePoint expires) {
  return {vni, ip(vtep), EntrySource::kLearned, 0, expires};
}

// What the table manager lists after restoring `sources` under `config`.
std::vector<VniChange> restored_view(const Config& config, const std::vector<SavedSource>& sources,
                                     ManualClock& clock) {
  TableManager t(config, clock.fn());
  t.restore(sources);
  return t.snapshot();
}

void expect_same(const std::vector<VniChange>& warm, const std::vector<VniChange>& manager) {
  ASSERT_EQ(warm.size(), manager.size());
  for (size_t i = 0; i < warm.size(); ++i) {
    EXPECT_EQ(warm[i].vni, manager[i].vni);
    EXPECT_EQ(warm[i].present, manager[i].present);
    EXPECT_EQ(warm[i].members, manager[i].members) << "VNI " << warm[i].vni;
  }
}

TEST(WarmTable, ListsWhatTheRestoreWillList) {
  ManualClock clock;
  Config config = table_config({{100, {ip("10.0.0.1"), ip("10.0.0.2")}}, {300, {}}});
  config.allow.push_back({VniRange{500, 500}, {*IpPrefix::parse("10.5.0.0/16")}});
  const auto later = clock.t + 90s, gone = clock.t - 1s;
  const std::vector<SavedSource> sources = {
      registered(100, "10.0.0.3", 7, later),
      learned(100, "10.0.0.2", later),  // a static member that was also learned
      registered(200, "10.0.2.1", 1, later),
      learned(200, "10.0.2.1", later),  // registered and learned: one member, learned
      learned(200, "10.0.2.2", later),
      registered(200, "10.0.2.9", 2, gone),   // expired
      learned(400, "10.0.4.1", later),        // VNI not in the table: learning never creates one
      registered(500, "10.9.0.1", 3, later),  // outside VNI 500's allow-list
      learned(300, "10.0.3.1", later),        // joins the configured, empty VNI 300
      registered(200, "10.0.2.3", 4, later),  // VNI 200 again, apart from its first run
  };
  const WarmTable warm = warm_table_of(config, sources, clock.t);
  EXPECT_TRUE(warm.not_used.empty()) << warm.not_used;
  expect_same(warm.vnis, restored_view(config, sources, clock));
  EXPECT_EQ(warm.members, 7u);
  EXPECT_EQ(warm.left_out, 3u);  // expired, unknown VNI, not allowed
  EXPECT_EQ(warm.addresses,
            (std::vector<IpAddr>{ip("10.0.0.1"), ip("10.0.0.2"), ip("10.0.0.3"), ip("10.0.2.1"),
                                 ip("10.0.2.2"), ip("10.0.2.3"), ip("10.0.3.1")}));
}

TEST(WarmTable, LearnedSourceNeedsAVniTheRestoreKeeps) {
  ManualClock clock;
  const Config config = table_config();
  // VNI 600's only registration expired: the restore has no VNI 600 for the learned one.
  const std::vector<SavedSource> sources = {registered(600, "10.6.0.1", 1, clock.t - 1s),
                                            learned(600, "10.6.0.2", clock.t + 60s)};
  const WarmTable warm = warm_table_of(config, sources, clock.t);
  expect_same(warm.vnis, restored_view(config, sources, clock));
  EXPECT_TRUE(warm.vnis.empty());
  EXPECT_EQ(warm.left_out, 2u);
}

TEST(WarmTable, LearningOffLeavesLearnedSourcesOut) {
  ManualClock clock;
  Config config = table_config({{700, {ip("10.7.0.1")}}});
  config.learning.push_back({VniRange{700, 700}, false});
  const std::vector<SavedSource> sources = {learned(700, "10.7.0.2", clock.t + 60s)};
  const WarmTable warm = warm_table_of(config, sources, clock.t);
  expect_same(warm.vnis, restored_view(config, sources, clock));
  EXPECT_EQ(warm.members, 1u);
}

TEST(WarmTable, NotUsedAboveALimit) {
  ManualClock clock;
  Config config = table_config();
  config.table.max_members_per_vni = 2;
  const auto later = clock.t + 60s;
  const WarmTable warm =
      warm_table_of(config,
                    {registered(800, "10.8.0.1", 1, later), registered(800, "10.8.0.2", 2, later),
                     registered(800, "10.8.0.3", 3, later)},
                    clock.t);
  EXPECT_NE(warm.not_used.find("max_members_per_vni"), std::string::npos) << warm.not_used;
  EXPECT_TRUE(warm.vnis.empty());
  EXPECT_TRUE(warm.addresses.empty());
}

}  // namespace
}  // namespace vxsn::test
