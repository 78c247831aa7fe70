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
  DirtyVni& d = dirty_[vni];
  d.whole = true;
  d.members.clear();
  notify_if_first(first);
}

void TableChangeLog::mark_member(uint32_t vni, const IpAddr& addr) {
  const bool first = dirty_.empty();
  DirtyVni& d = dirty_[vni];
  if (!d.whole) {
    d.members.push_back(addr);
    if (d.members.size() > kMaxMarkedMembers) {
      d.whole = true;
      d.members = {};
    }
  }
  notify_if_first(first);
}

VniChange TableChangeLog::describe(const TableEntryStore& store, uint32_t vni,
                                   const DirtyVni& dirty) {
  auto kept = sorted_.find(vni);
  if (!dirty.whole && kept != sorted_.end() && store.find_vni(vni) != nullptr) {
    std::vector<TableMember>& list = kept->second;
    for (const IpAddr& addr : dirty.members) {
      auto at = std::lower_bound(list.begin(), list.end(), addr,
                                 [](const TableMember& m, const IpAddr& a) { return m.addr < a; });
      const bool listed = at != list.end() && at->addr == addr;
      const StoredEntry* e = store.find(vni, addr);
      if (e == nullptr) {
        if (listed) list.erase(at);
        continue;
      }
      const TableMember now{addr, e->has(EntrySource::kLearned)};
      if (listed)
        *at = now;
      else
        list.insert(at, now);
    }
    return VniChange{vni, true, list};
  }
  VniChange c = describe_vni(store, vni);
  if (c.members.size() >= kKeepSortedFrom)
    sorted_.insert_or_assign(vni, c.members);
  else if (kept != sorted_.end())
    sorted_.erase(kept);
  return c;
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
  for (const auto& [vni, dirty] : dirty_) out.push_back(describe(store, vni, dirty));
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
