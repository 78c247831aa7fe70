// The replicated unit: one flood-table entry (VNI, VTEP) with its value and the stamps that
// order writes across nodes. Deliberately independent of the table manager's own types so
// the replication layer can be built and tested on its own.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "driver/net_types.hpp"

namespace vxsn {

struct HaKey {
  uint32_t vni = 0;
  IpAddr vtep;
  auto operator<=>(const HaKey&) const = default;
};

struct HaKeyHash {
  size_t operator()(const HaKey& k) const noexcept {
    return IpAddrHash{}(k.vtep) ^ (static_cast<size_t>(k.vni) * 0x9E3779B97F4A7C15ull);
  }
};

// What the table knows about one entry. `sources` is a bit set of EntrySource values
// (host/table/membership_store.hpp); the replicator treats it as opaque.
struct HaValue {
  uint8_t sources = 0;
  uint64_t identifier = 0;    // registering vxrd's node id, 0 if none
  int64_t expires_at_ms = 0;  // absolute Unix time in ms so every node ages alike; 0 = never
  auto operator<=>(const HaValue&) const = default;
};

// Orders writes to one key: the higher hybrid logical clock wins; equal clocks are broken by
// the origin node's id (byte-wise string compare), so every node picks the same winner.
struct HaStamp {
  uint64_t hlc = 0;
  std::string origin;
  bool wins_over(const HaStamp& o) const { return stamp_wins(hlc, origin, o.hlc, o.origin); }
  auto operator<=>(const HaStamp&) const = default;

  // The rule itself, for stores that keep the clock and the origin apart (ReplicaTable).
  static bool stamp_wins(uint64_t hlc, std::string_view origin, uint64_t other_hlc,
                         std::string_view other_origin) {
    return hlc != other_hlc ? hlc > other_hlc : origin > other_origin;
  }
};

// One change to one key. A tombstone records a deletion (value ignored) and is kept, so a
// late or replayed older write cannot resurrect the entry, until the tombstone expires.
struct HaChange {
  HaKey key;
  HaValue value;
  bool tombstone = false;
  HaStamp stamp;
  uint64_t seq = 0;  // the origin's sequence number of this change (0 inside snapshots)
  bool same_content(const HaChange& o) const {
    return key == o.key && tombstone == o.tombstone && (tombstone || value == o.value) &&
           stamp == o.stamp;
  }
};

// What a Replicator did since it started (stats file, metrics).
struct HaStats {
  uint64_t published = 0;  // local changes sent
  uint64_t refreshes_suppressed = 0;
  uint64_t remote_applied = 0;  // remote changes (stream + snapshots) that won LWW
  uint64_t remote_ignored = 0;  // lost LWW or duplicates
  uint64_t heartbeats_sent = 0;
  uint64_t gaps_detected = 0;
  uint64_t snapshots_served = 0;
  uint64_t snapshots_fetched = 0;
  uint64_t last_snapshot_entries = 0;
  uint64_t last_snapshot_bytes = 0;
  double last_snapshot_apply_ms = 0;  // merging it into the table and the sink (summed over chunks)
  double last_snapshot_total_ms = 0;  // request sent to snapshot applied
  uint64_t auth_refused = 0;          // handshakes refused by the ZAP handler
  uint64_t malformed = 0;
};

}  // namespace vxsn
