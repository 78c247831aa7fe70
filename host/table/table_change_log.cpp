#include "host/table/table_change_log.hpp"

#include <algorithm>

namespace vxsn {
namespace {

// The latest expiry of the entry's own sources: what peers should age it by.
TableTimePoint latest_local_expiry(const StoredEntry& e) {
  if (e.has(EntrySource::kStatic)) return kNeverExpires;
  TableTimePoint t{};
  for (const EntryRegistration& r : e.registrations) t = std::max(t, r.expires);
  if (e.has(EntrySource::kLearned)) t = std::max(t, e.learned_expires);
  return t;
}

LocalEntryChange describe_local(const TableEntryStore& store, uint32_t vni, const IpAddr& addr) {
  LocalEntryChange c;
  c.vni = vni;
  c.vtep = addr;
  const StoredEntry* e = store.find(vni, addr);
  const uint8_t own =
      e ? static_cast<uint8_t>(e->sources & ~source_bit(EntrySource::kPeer)) : uint8_t{0};
  if (own == 0) return c;
  c.held = true;
  c.sources = own;
  if (!e->registrations.empty()) c.identifier = e->registrations.front().identifier;
  c.expires = latest_local_expiry(*e);
  return c;
}

}  // namespace

VniChange describe_vni(const TableEntryStore& store, uint32_t vni) {
  VniChange c;
  c.vni = vni;
  const VniEntries* v = store.find_vni(vni);
  if (v == nullptr) return c;
  c.present = true;
  c.members.reserve(v->entries.size());
  for (const auto& [addr, e] : v->entries)
    c.members.push_back({addr, e.has(EntrySource::kLearned)});
  std::sort(c.members.begin(), c.members.end());
  return c;
}

void TableChangeLog::mark_vni(uint32_t vni) {
  const bool first = dirty_.empty();
  dirty_.insert(vni);
  notify_if_first(first);
}

void TableChangeLog::mark_local(uint32_t vni, const IpAddr& addr) {
  if (!replicating_ || quiet_) return;
  const bool first = local_dirty_.empty();
  local_dirty_[vni].insert(addr);
  notify_if_first(first);
}

void TableChangeLog::forget_local(uint32_t vni, const IpAddr& addr) {
  if (auto d = local_dirty_.find(vni); d != local_dirty_.end()) d->second.erase(addr);
}

std::vector<VniChange> TableChangeLog::take_changes(const TableEntryStore& store) {
  std::vector<VniChange> out;
  out.reserve(dirty_.size());
  for (uint32_t vni : dirty_) out.push_back(describe_vni(store, vni));
  dirty_.clear();
  if (!out.empty()) ++batches_;
  std::sort(out.begin(), out.end(),
            [](const VniChange& a, const VniChange& b) { return a.vni < b.vni; });
  return out;
}

std::vector<LocalEntryChange> TableChangeLog::take_local_changes(const TableEntryStore& store) {
  std::vector<LocalEntryChange> out;
  for (const auto& [vni, addrs] : local_dirty_)
    for (const IpAddr& addr : addrs) out.push_back(describe_local(store, vni, addr));
  local_dirty_.clear();
  return out;
}

}  // namespace vxsn
