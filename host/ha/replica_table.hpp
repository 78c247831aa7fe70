// The replicated table: the last-writer-wins map of every key this node knows, with the
// stamp of the write that set it. Merging is commutative and idempotent, so nodes that
// have seen the same set of changes, in any order, hold the same table.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "host/ha/ha_types.hpp"

namespace vxsn {

class ReplicaTable {  // not thread-safe; the replicator guards it
 public:
  explicit ReplicaTable(uint64_t tombstone_expiry_ms) : tombstone_expiry_ms_(tombstone_expiry_ms) {}

  // Applies `c` if its stamp beats the stored one (or the key is new). A tombstone that is
  // already past its expiry still deletes an older entry but is not kept. Returns true
  // when the table changed, i.e. the change must reach the local flood table.
  bool merge(const HaChange& c, uint64_t now_ms);

  const HaChange* find(const HaKey& key) const;

  // Forgets tombstones past their expiry and entries whose value expired (every node does
  // this on its own clock, so no delete is published). Returns how many were removed.
  size_t expire(uint64_t now_ms);

  // Every key, tombstones included, sorted by key: what a snapshot carries.
  std::vector<HaChange> dump() const;
  size_t size() const { return map_.size(); }
  void reserve(size_t n) { map_.reserve(n); }
  template <class F>
  void for_each(F&& f) const {
    for (auto& [k, c] : map_) f(c);
  }
  uint64_t tombstone_expires_at(const HaChange& c) const;

 private:
  uint64_t tombstone_expiry_ms_;
  std::unordered_map<HaKey, HaChange, HaKeyHash> map_;
};

}  // namespace vxsn
