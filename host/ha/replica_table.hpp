// The replicated table: the last-writer-wins map of every key this node knows, with the
// stamp of the write that set it. Merging is commutative and idempotent, so nodes that
// have seen the same set of changes, in any order, hold the same table.
//
// Laid out for million-entry snapshots: entries are plain 56-byte records in one dense
// vector (walked in order by snapshots and expiry sweeps), found through an open-addressing
// index of (hash, position) pairs, and the origin node id is interned to a small integer
// instead of a string per entry.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "host/ha/ha_types.hpp"

namespace vxsn {

// A copy of one stored entry (or nothing), as find() returns it. Used like the pointer it
// replaces: compare with nullptr, then `->`.
class ReplicaEntry {
 public:
  ReplicaEntry() = default;
  explicit ReplicaEntry(HaChange c) : change_(std::move(c)) {}
  explicit operator bool() const { return change_.has_value(); }
  bool operator==(std::nullptr_t) const { return !change_; }
  const HaChange* operator->() const { return &*change_; }
  const HaChange& operator*() const { return *change_; }

 private:
  std::optional<HaChange> change_;
};

class ReplicaTable {  // not thread-safe; the replicator guards it
 public:
  explicit ReplicaTable(uint64_t tombstone_expiry_ms) : tombstone_expiry_ms_(tombstone_expiry_ms) {}

  // Applies `c` if its stamp beats the stored one (or the key is new). A tombstone that is
  // already past its expiry still deletes an older entry but is not kept. Returns true
  // when the table changed, i.e. the change must reach the local flood table.
  bool merge(const HaChange& c, uint64_t now_ms);

  ReplicaEntry find(const HaKey& key) const;

  // Forgets tombstones past their expiry and entries whose value expired (every node does
  // this on its own clock, so no delete is published). Returns how many were removed.
  size_t expire(uint64_t now_ms);

  // Every key, tombstones included, sorted by key: what a snapshot carries.
  std::vector<HaChange> dump() const;
  size_t size() const { return entries_.size(); }
  // Room for `n` entries without growing (a snapshot announces its size up front).
  void reserve(size_t n);
  // Calls f(const HaChange&) for every entry, in hash order. The argument is a scratch
  // copy reused between calls: copy it to keep it.
  //
  // Hash order is what makes a snapshot cheap to apply: a receiving table, whatever its
  // size, then fills its index front to back instead of at random places, and stores the
  // entries in that same order for the next time.
  template <class F>
  void for_each(F&& f) const {
    // Our own entries are in arrival order, so taking them in hash order jumps around
    // memory. A tight copying loop, asking for each entry well before it is needed, keeps
    // many of those reads in flight; the caller's (slower) work then runs on the copies.
    constexpr size_t kBlock = 4096, kAhead = 32;
    std::vector<Entry> block;
    block.reserve(kBlock);
    HaChange c;
    uint32_t origin = UINT32_MAX;
    for (size_t i = 0; i < index_.size();) {
      block.clear();
      for (; i < index_.size() && block.size() < kBlock; ++i) {
        if (i + kAhead < index_.size() && index_[i + kAhead] != kEmpty)
          __builtin_prefetch(&entries_[static_cast<uint32_t>(index_[i + kAhead]) - 1u]);
        if (index_[i] != kEmpty) block.push_back(entries_[static_cast<uint32_t>(index_[i]) - 1u]);
      }
      for (const Entry& e : block) {
        fill_fields(e, c);
        if (e.origin != origin) c.stamp.origin = origins_[origin = e.origin];
        f(static_cast<const HaChange&>(c));
      }
    }
  }
  uint64_t tombstone_expires_at(const HaChange& c) const;
  size_t origin_count() const { return origins_.size(); }  // distinct node ids interned

 private:
  struct Entry {
    HaKey key;
    uint64_t hlc;
    uint64_t identifier;
    int64_t expires_at_ms;
    uint32_t origin;  // index into origins_
    uint8_t sources;
    bool tombstone;
  };
  static constexpr uint64_t kEmpty = 0;  // index slot: (hash high 32 bits << 32) | (position + 1)

  static uint64_t hash(const HaKey& k);
  uint32_t intern(std::string_view origin);
  bool wins(const HaChange& c, const Entry& e) const;
  void fill(const Entry& e, HaChange& c) const;
  static void fill_fields(const Entry& e, HaChange& c);  // all but the origin
  void store(const HaChange& c, Entry& e);
  // Index slot holding `key`, or the empty slot where it would go.
  size_t probe(const HaKey& key, uint64_t h) const;
  void erase_at(size_t slot);
  void grow_index(size_t min_entries);
  uint64_t expires_at_ms(uint64_t hlc) const;

  uint64_t tombstone_expiry_ms_;
  std::vector<Entry> entries_;
  unsigned home_shift_ = 32;  // 32 - log2(index_.size())
  size_t home(uint32_t fragment) const { return fragment >> home_shift_; }
  std::vector<uint64_t> index_;  // power-of-two size, linear probing, at most 1/2 full
  std::vector<std::string> origins_;
  std::unordered_map<std::string, uint32_t> origin_ids_;
  uint32_t last_origin_ = UINT32_MAX;  // a snapshot's entries mostly share one origin
};

}  // namespace vxsn
