#include "host/table/table_ageing.hpp"

#include <algorithm>

namespace vxsn {

TableAgeing::TableAgeing(TableTimePoint epoch, std::chrono::milliseconds tick_len)
    : epoch_(epoch), tick_len_(tick_len) {}

void TableAgeing::align_to_wall_clock(TableTimePoint now, int64_t unix_ms_now) {
  epoch_ = now - std::chrono::milliseconds(unix_ms_now % tick_len_.count());
}

void TableAgeing::arm(uint32_t vni, const IpAddr& addr, StoredEntry& e) {
  const TableTimePoint due = earliest_expiry(e);
  if (due == kNeverExpires) return;  // static or forever: nothing to age
  const uint64_t tick = tick_of(due);
  if (e.armed_tick != 0 && e.armed_tick <= tick) return;
  e.armed_tick = tick;
  wheel_.schedule(tick, Key{vni, addr});
}

void TableAgeing::expired_sources(const StoredEntry& e, TableTimePoint now, ExpiredSources& out) {
  out.registrations.clear();
  for (const EntryRegistration& r : e.registrations)
    if (r.expires <= now) out.registrations.push_back(r.identifier);
  out.learned = e.has(EntrySource::kLearned) && e.learned_expires <= now;
  out.peer = e.has(EntrySource::kPeer) && e.peer_expires <= now;
}

TableTimePoint TableAgeing::earliest_expiry(const StoredEntry& e) {
  TableTimePoint t = kNeverExpires;
  for (const EntryRegistration& r : e.registrations) t = std::min(t, r.expires);
  if (e.has(EntrySource::kLearned)) t = std::min(t, e.learned_expires);
  if (e.has(EntrySource::kPeer)) t = std::min(t, e.peer_expires);
  return t;
}

uint64_t TableAgeing::tick_of(TableTimePoint t) const {
  if (t <= epoch_) return 1;
  const auto since = t - epoch_;
  const uint64_t whole = static_cast<uint64_t>(since / tick_len_);
  return std::max<uint64_t>(1, since % tick_len_ == since.zero() ? whole : whole + 1);
}

}  // namespace vxsn
