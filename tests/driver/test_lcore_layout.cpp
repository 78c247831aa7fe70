// Where the EAL's lcores go: the datapath's on the last usable CPUs (or the CPUs named),
// the main lcore on the rest, and the errors a deployer sees for impossible requests.
#include "driver/dpdk/lcore_layout.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace vxsn {
namespace {

using Cpus = std::vector<unsigned>;

TEST(LcoreLayout, CountTakesTheLastUsableCpusAndLeavesTheRestToTheMainLcore) {
  const LcoreLayout l = plan_lcores(2, {}, Cpus{0, 1, 2, 3});
  EXPECT_EQ(l.datapath_cpus, (Cpus{2, 3}));
  EXPECT_EQ(l.main_cpus, (Cpus{0, 1}));
  EXPECT_EQ(l.eal_argument(), "--lcores=0@(0,1),1@2,2@3");
}

TEST(LcoreLayout, NamedCpusAreUsedAsGivenWhateverTheCount) {
  const LcoreLayout l = plan_lcores(7, Cpus{5, 1}, Cpus{0, 1, 2, 3, 4, 5});
  EXPECT_EQ(l.datapath_cpus, (Cpus{5, 1}));
  EXPECT_EQ(l.main_cpus, (Cpus{0, 2, 3, 4}));
  EXPECT_EQ(l.eal_argument(), "--lcores=0@(0,2,3,4),1@5,2@1");
}

TEST(LcoreLayout, DatapathOnEveryCpuSharesThemWithTheMainLcore) {
  const LcoreLayout l = plan_lcores(2, {}, Cpus{0, 1});
  EXPECT_EQ(l.datapath_cpus, (Cpus{0, 1}));
  EXPECT_EQ(l.main_cpus, (Cpus{0, 1}));
}

TEST(LcoreLayout, AffinityGapsAreRespected) {
  // A cgroup or taskset may leave holes: CPUs 1, 4 and 6 only.
  const LcoreLayout l = plan_lcores(1, {}, Cpus{1, 4, 6});
  EXPECT_EQ(l.datapath_cpus, (Cpus{6}));
  EXPECT_EQ(l.main_cpus, (Cpus{1, 4}));
}

void expect_refused(unsigned count, const Cpus& cpus, const Cpus& usable, const std::string& says) {
  try {
    plan_lcores(count, cpus, usable);
    ADD_FAILURE() << "accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(says), std::string::npos) << e.what();
  }
}

TEST(LcoreLayout, ImpossibleRequestsSayWhatWasAskedAndWhatTheMachineHas) {
  expect_refused(3, {}, Cpus{0, 1}, "only 2 CPU(s) (0,1)");
  expect_refused(1, Cpus{7}, Cpus{0, 1}, "CPU 7");
  expect_refused(0, {}, Cpus{0, 1}, "at least one");
}

TEST(LcoreLayout, UsableCpusIsThisProcessesAffinityAscending) {
  const Cpus cpus = usable_cpus();
  ASSERT_FALSE(cpus.empty());
  for (size_t i = 1; i < cpus.size(); ++i) EXPECT_LT(cpus[i - 1], cpus[i]);
}

}  // namespace
}  // namespace vxsn

namespace vxsn {
namespace {

// The first table's compile widens the EAL-pinned main thread for its build alone: the
// thread (and what it starts meanwhile) runs on the given CPUs, then on its own again.
TEST(ScopedCpuAffinity, NarrowsOrWidensForItsScopeThenRestores) {
  const std::vector<unsigned> before = usable_cpus();
  ASSERT_FALSE(before.empty());
  {
    const ScopedCpuAffinity one({before.back()});
    EXPECT_EQ(usable_cpus(), std::vector<unsigned>{before.back()});
    std::vector<unsigned> seen_by_child;
    std::thread([&] { seen_by_child = usable_cpus(); }).join();
    EXPECT_EQ(seen_by_child, std::vector<unsigned>{before.back()})
        << "a thread started inherits it";
  }
  EXPECT_EQ(usable_cpus(), before);
  {
    const ScopedCpuAffinity none({});  // nothing to run on: left as it was
    EXPECT_EQ(usable_cpus(), before);
  }
  EXPECT_EQ(usable_cpus(), before);
}

}  // namespace
}  // namespace vxsn
