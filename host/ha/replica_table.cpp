#include "host/ha/replica_table.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

#include "host/ha/hybrid_clock.hpp"

namespace vxsn {
namespace {

uint32_t fragment(uint64_t slot) {
  return static_cast<uint32_t>(slot >> 32);
}
size_t position(uint64_t slot) {
  return static_cast<uint32_t>(slot) - 1u;
}
uint64_t make_slot(uint64_t hash, size_t pos) {
  return (hash & 0xFFFFFFFF00000000ull) | (static_cast<uint64_t>(pos) + 1);
}

}  // namespace

// A slot's home is the top bits of the 32 kept in the slot: moving slots (growth, deletion)
// never needs the key, which lives in another cache line, and the index is ordered by
// hash whatever its size (see for_each).
uint64_t ReplicaTable::hash(const HaKey& k) {
  uint64_t lo, hi;
  std::memcpy(&lo, k.vtep.bytes.data(), 8);
  std::memcpy(&hi, k.vtep.bytes.data() + 8, 8);
  uint64_t h = ((static_cast<uint64_t>(k.vni) << 8) | static_cast<uint8_t>(k.vtep.family)) *
               0x9E3779B97F4A7C15ull;
  h ^= lo * 0xC2B2AE3D27D4EB4Full;
  h = std::rotl(h, 31) ^ (hi * 0x165667B19E3779F9ull);
  // murmur3's 64-bit finaliser: every input bit reaches the top 32 bits.
  h ^= h >> 33;
  h *= 0xFF51AFD7ED558CCDull;
  h ^= h >> 33;
  h *= 0xC4CEB9FE1A85EC53ull;
  h ^= h >> 33;
  return h;
}

uint64_t ReplicaTable::expires_at_ms(uint64_t hlc) const {
  // Measured from the deletion's own clock, so every node drops it at the same moment.
  return HybridClock::physical_ms(hlc) + tombstone_expiry_ms_;
}

uint64_t ReplicaTable::tombstone_expires_at(const HaChange& c) const {
  return expires_at_ms(c.stamp.hlc);
}

uint32_t ReplicaTable::intern(std::string_view origin) {
  if (last_origin_ < origins_.size() && origins_[last_origin_] == origin) return last_origin_;
  auto [it, inserted] =
      origin_ids_.try_emplace(std::string(origin), static_cast<uint32_t>(origins_.size()));
  if (inserted) origins_.emplace_back(origin);
  last_origin_ = it->second;
  return it->second;
}

bool ReplicaTable::wins(const HaChange& c, const Entry& e) const {
  return HaStamp::stamp_wins(c.stamp.hlc, c.stamp.origin, e.hlc, origins_[e.origin]);
}

void ReplicaTable::fill(const Entry& e, HaChange& c) const {
  fill_fields(e, c);
  c.stamp.origin = origins_[e.origin];
}

void ReplicaTable::fill_fields(const Entry& e, HaChange& c) {
  c.key = e.key;
  c.value.sources = e.sources;
  c.value.identifier = e.identifier;
  c.value.expires_at_ms = e.expires_at_ms;
  c.tombstone = e.tombstone;
  c.stamp.hlc = e.hlc;
  c.seq = 0;  // a stored entry is state, not a position in a stream
}

void ReplicaTable::store(const HaChange& c, Entry& e) {
  e.key = c.key;
  e.hlc = c.stamp.hlc;
  e.identifier = c.value.identifier;
  e.expires_at_ms = c.value.expires_at_ms;
  e.origin = intern(c.stamp.origin);
  e.sources = c.value.sources;
  e.tombstone = c.tombstone;
}

size_t ReplicaTable::probe(const HaKey& key, uint64_t h) const {
  const size_t mask = index_.size() - 1;
  const uint32_t frag = static_cast<uint32_t>(h >> 32);
  for (size_t i = home(frag);; i = (i + 1) & mask) {
    uint64_t s = index_[i];
    if (s == kEmpty) return i;
    if (fragment(s) == frag && entries_[position(s)].key == key) return i;
  }
}

void ReplicaTable::grow_index(size_t min_entries) {
  size_t cap = std::bit_ceil(std::max<size_t>(16, 2 * min_entries));
  if (cap <= index_.size()) return;
  index_.assign(cap, kEmpty);
  home_shift_ = 32 - std::countr_zero(cap);
  const size_t mask = cap - 1;
  for (size_t pos = 0; pos < entries_.size(); ++pos) {
    uint64_t h = hash(entries_[pos].key);
    size_t i = home(fragment(h));
    while (index_[i] != kEmpty) i = (i + 1) & mask;
    index_[i] = make_slot(h, pos);
  }
}

void ReplicaTable::reserve(size_t n) {
  entries_.reserve(n);
  grow_index(n);
}

// Linear probing without tombstone slots: later slots of the run move back into the hole
// when that keeps them reachable from their home. The last entry then moves into the freed
// position of the dense vector.
void ReplicaTable::erase_at(size_t slot) {
  const size_t mask = index_.size() - 1;
  const size_t pos = position(index_[slot]);
  size_t hole = slot;
  for (size_t j = (hole + 1) & mask; index_[j] != kEmpty; j = (j + 1) & mask) {
    size_t from = home(fragment(index_[j]));
    if (((j - from) & mask) >= ((j - hole) & mask)) {
      index_[hole] = index_[j];
      hole = j;
    }
  }
  index_[hole] = kEmpty;

  const size_t last = entries_.size() - 1;
  if (pos != last) {
    uint64_t h = hash(entries_[last].key);
    for (size_t i = home(fragment(h));; i = (i + 1) & mask) {
      if (index_[i] != kEmpty && position(index_[i]) == last) {
        index_[i] = make_slot(h, pos);
        break;
      }
    }
    entries_[pos] = entries_[last];
  }
  entries_.pop_back();
}

bool ReplicaTable::merge(const HaChange& c, uint64_t now_ms) {
  if ((entries_.size() + 1) * 2 > index_.size()) grow_index(2 * entries_.size() + 1);
  const uint64_t h = hash(c.key);
  const size_t slot = probe(c.key, h);
  const bool expired_tombstone = c.tombstone && expires_at_ms(c.stamp.hlc) <= now_ms;
  if (index_[slot] != kEmpty) {
    Entry& e = entries_[position(index_[slot])];
    if (!wins(c, e)) return false;
    if (expired_tombstone) {
      bool was_live = !e.tombstone;
      erase_at(slot);
      return was_live;
    }
    store(c, e);
    return true;
  }
  if (expired_tombstone) return false;  // deletes nothing, and is not kept
  index_[slot] = make_slot(h, entries_.size());
  store(c, entries_.emplace_back());
  return true;
}

ReplicaEntry ReplicaTable::find(const HaKey& key) const {
  if (entries_.empty()) return {};
  size_t slot = probe(key, hash(key));
  if (index_[slot] == kEmpty) return {};
  HaChange c;
  fill(entries_[position(index_[slot])], c);
  return ReplicaEntry(std::move(c));
}

size_t ReplicaTable::expire(uint64_t now_ms) {
  size_t removed = 0;
  // Backwards, so the entry erase_at moves into the freed position was already checked.
  for (size_t pos = entries_.size(); pos-- > 0;) {
    const Entry& e = entries_[pos];
    bool gone = e.tombstone
                    ? expires_at_ms(e.hlc) <= now_ms
                    : e.expires_at_ms != 0 && static_cast<uint64_t>(e.expires_at_ms) <= now_ms;
    if (!gone) continue;
    erase_at(probe(e.key, hash(e.key)));
    ++removed;
  }
  return removed;
}

std::vector<HaChange> ReplicaTable::dump() const {
  std::vector<HaChange> out(entries_.size());
  for (size_t i = 0; i < entries_.size(); ++i) fill(entries_[i], out[i]);
  std::sort(out.begin(), out.end(),
            [](const HaChange& a, const HaChange& b) { return a.key < b.key; });
  return out;
}

}  // namespace vxsn
