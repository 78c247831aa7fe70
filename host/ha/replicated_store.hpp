// The narrow seam between replication and the local table. The table manager implements
// ReplicaSink and calls Replicator::publish_local; nothing else of either side is shared.
#pragma once

#include "host/ha/ha_types.hpp"

namespace vxsn {

// A change made on this node (API, static config, registration, learning) as the table
// manager reports it: the whole new value of one key, or its deletion.
struct HaLocalChange {
  HaKey key;
  HaValue value;
  bool tombstone = false;  // true: the key was deleted on this node
};

class ReplicaSink {
 public:
  virtual ~ReplicaSink() = default;
  // A change from another node won last-writer-wins and must now be reflected in the local
  // table: put `change.value` (with the kPeer source) or, for a tombstone, drop the key.
  // Called on the replicator's thread, in stamp-consistent order per key; keep it short
  // (queue the change for the control loop) since replication stalls while it runs.
  virtual void apply_remote(const HaChange& change) = 0;
};

}  // namespace vxsn
