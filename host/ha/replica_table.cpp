#include "host/ha/replica_table.hpp"

#include <algorithm>

#include "host/ha/hybrid_clock.hpp"

namespace vxsn {

uint64_t ReplicaTable::tombstone_expires_at(const HaChange& c) const {
  // Measured from the deletion's own clock, so every node drops it at the same moment.
  return HybridClock::physical_ms(c.stamp.hlc) + tombstone_expiry_ms_;
}

bool ReplicaTable::merge(const HaChange& c, uint64_t now_ms) {
  auto [it, inserted] = map_.try_emplace(c.key);
  if (!inserted && !c.stamp.wins_over(it->second.stamp)) return false;
  if (c.tombstone && tombstone_expires_at(c) <= now_ms) {
    bool was_live = !inserted && !it->second.tombstone;
    map_.erase(it);
    return was_live;
  }
  it->second = c;
  it->second.seq = 0;  // a stored entry is state, not a position in a stream
  return true;
}

const HaChange* ReplicaTable::find(const HaKey& key) const {
  auto it = map_.find(key);
  return it == map_.end() ? nullptr : &it->second;
}

size_t ReplicaTable::expire(uint64_t now_ms) {
  return std::erase_if(map_, [&](const auto& kv) {
    const HaChange& c = kv.second;
    if (c.tombstone) return tombstone_expires_at(c) <= now_ms;
    return c.value.expires_at_ms != 0 && static_cast<uint64_t>(c.value.expires_at_ms) <= now_ms;
  });
}

std::vector<HaChange> ReplicaTable::dump() const {
  std::vector<HaChange> out;
  out.reserve(map_.size());
  for (auto& [k, c] : map_) out.push_back(c);
  std::sort(out.begin(), out.end(),
            [](const HaChange& a, const HaChange& b) { return a.key < b.key; });
  return out;
}

}  // namespace vxsn
