// Joins the table manager to HA replication (host/ha). Local changes of the table's own
// sources go out through the Replicator; peers' changes arrive on the replicator's thread,
// wait in an inbox, and are applied on the control thread (which owns the table) when its
// loop sees fd() readable. The replicator never touches the table, the table never touches
// ZeroMQ.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "host/api/management_backend.hpp"
#include "host/ha/replicator.hpp"
#include "host/metrics/node_snapshot.hpp"
#include "host/table/table_manager.hpp"

namespace vxsn {

class HaBridge : public ReplicaSink {
 public:
  // Binds the replicator's endpoints (throws zmq::error_t if it cannot) and queues every
  // entry the table holds now, so peers learn this node's table.
  HaBridge(HaConfig config, TableManager& table);
  ~HaBridge() override;

  // Readable while peers' changes wait: the control loop polls it.
  int fd() const { return wake_fd_; }
  // Control thread: applies the waiting peers' changes to the table. Returns how many.
  size_t apply_remote_changes();
  // Control thread: hands the table's own changes since the last call to the replicator.
  void publish_local_changes();

  std::vector<PeerInfo> peers() const;
  HaSnapshot snapshot() const;
  const HaConfig& config() const { return replicator_->config(); }

  // ReplicaSink, on the replicator's thread: only queues.
  void apply_remote(const HaChange& change) override;

 private:
  TableManager& table_;
  int wake_fd_ = -1;
  std::mutex inbox_mutex_;
  std::vector<HaChange> inbox_;
  std::unique_ptr<Replicator> replicator_;  // last: its thread calls apply_remote
};

}  // namespace vxsn
