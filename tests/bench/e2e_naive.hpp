// The naive socket replicator (sim/naive_replicator) as the testbed benchmarks run it: in
// the service node's namespace on the service address, its members in a file. Stopped,
// and the file removed, on destruction.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/integration/testbed.hpp"

namespace vxsn::test {

class NaiveReplicator {
 public:
  // VNI -> member addresses. Removes any XDP program left on the node's interface (vxsnd's
  // goes with vxsnd), so the kernel gets the frames; throws if it does not start. `cpu` >= 0:
  // it runs pinned to that CPU (taskset).
  NaiveReplicator(const Testbed& testbed,
                  const std::map<uint32_t, std::vector<std::string>>& members, int cpu = -1);
  ~NaiveReplicator();
  NaiveReplicator(const NaiveReplicator&) = delete;
  NaiveReplicator& operator=(const NaiveReplicator&) = delete;

  pid_t pid() const { return process_->pid(); }
  // Stops it; returns the counters it printed on the way out (its whole log without them).
  std::string stop();

 private:
  std::string file_;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace vxsn::test
