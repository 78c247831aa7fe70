// When the table's sources expire: each entry with an ageing source (registered, learned,
// peer; static never ages) has one item on a timer wheel at its earliest expiry, in ticks
// of table.ageing_interval_ms, and a tick hands over the entries due and which of their
// sources are past their expiry. Kept apart from the entries so the time arithmetic (tick
// rounding, the wall-clock alignment peers share) is in one place and tested on its own.
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

#include "driver/net_types.hpp"
#include "host/table/table_entry_store.hpp"
#include "host/table/timer_wheel.hpp"

namespace vxsn {

// The sources of one entry that are past their expiry.
struct ExpiredSources {
  std::vector<uint64_t> registrations;  // identifiers
  bool learned = false;
  bool peer = false;
  bool any() const { return !registrations.empty() || learned || peer; }
};

class TableAgeing {
 public:
  // Ticks count `tick_len` from `epoch` (the table's start).
  TableAgeing(TableTimePoint epoch, std::chrono::milliseconds tick_len);

  std::chrono::milliseconds tick_len() const { return tick_len_; }
  TableTimePoint epoch() const { return epoch_; }
  // Ticks then fall on multiples of the tick length since the Unix epoch, the same instants
  // on every node of a cluster. Before anything is armed.
  void align_to_wall_clock(TableTimePoint now, int64_t unix_ms_now);

  // Schedules `e` (of `vni`, `addr`) for its earliest expiry; nothing if it never expires
  // or an item already due no later is live (when that fires the entry is armed again, so
  // a refresh costs no wheel work).
  void arm(uint32_t vni, const IpAddr& addr, StoredEntry& e);

  // Moves to `now` and calls due(vni, addr, entry) for every entry whose item is due, its
  // item disarmed; stale items (the entry went, or was re-armed earlier) are skipped. `due`
  // may change the store and arm entries again. False if `now` is before the epoch (the
  // clock went back): nothing done.
  template <class Due>
  bool advance(TableTimePoint now, TableEntryStore& store, Due&& due) {
    if (now < epoch_) return false;
    const uint64_t tick = static_cast<uint64_t>((now - epoch_) / tick_len_);
    wheel_.advance(tick, [&](uint64_t deadline, const Key& key) {
      StoredEntry* e = store.find(key.vni, key.addr);
      if (e == nullptr || e->armed_tick != deadline) return;
      e->armed_tick = 0;
      due(key.vni, key.addr, *e);
    });
    return true;
  }

  // The sources of `e` expired at `now`, into `out` (reused: no allocation once it has grown).
  static void expired_sources(const StoredEntry& e, TableTimePoint now, ExpiredSources& out);
  // The earliest expiry of `e`'s ageing sources; kNeverExpires if none ages.
  static TableTimePoint earliest_expiry(const StoredEntry& e);
  // The first tick at or after `t` (at least 1: tick 0 has passed at the start).
  uint64_t tick_of(TableTimePoint t) const;
  size_t scheduled() const { return wheel_.size(); }

 private:
  struct Key {
    uint32_t vni;
    IpAddr addr;
  };

  TableTimePoint epoch_;
  std::chrono::milliseconds tick_len_;
  TimerWheel<Key> wheel_{4096};
};

}  // namespace vxsn
