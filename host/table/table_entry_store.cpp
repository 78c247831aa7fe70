#include "host/table/table_entry_store.hpp"

#include <bit>
#include <utility>

namespace vxsn {
namespace {

size_t source_index(EntrySource s) {
  return static_cast<size_t>(std::countr_zero(source_bit(s)));
}

}  // namespace

EntriesBySource TableEntryStore::by_source() const {
  return {by_source_[0], by_source_[1], by_source_[2], by_source_[3]};
}

VniEntries* TableEntryStore::find_vni(uint32_t vni) {
  auto v = vnis_.find(vni);
  return v == vnis_.end() ? nullptr : &v->second;
}

const VniEntries* TableEntryStore::find_vni(uint32_t vni) const {
  auto v = vnis_.find(vni);
  return v == vnis_.end() ? nullptr : &v->second;
}

StoredEntry* TableEntryStore::find(uint32_t vni, const IpAddr& addr) {
  VniEntries* v = find_vni(vni);
  if (v == nullptr) return nullptr;
  auto it = v->entries.find(addr);
  return it == v->entries.end() ? nullptr : &it->second;
}

const StoredEntry* TableEntryStore::find(uint32_t vni, const IpAddr& addr) const {
  return const_cast<TableEntryStore*>(this)->find(vni, addr);
}

StoredEntry& TableEntryStore::create(VniEntries* v, uint32_t vni, const IpAddr& addr,
                                     TableTimePoint now) {
  if (v == nullptr) v = &vnis_.emplace(vni, VniEntries{}).first->second;
  StoredEntry& e = v->entries[addr];
  e.created = e.updated = now;
  ++entry_count_;
  if (address_refs_[addr]++ == 0) {
    addresses_changed_ = true;
    if (whole_list_taken_) address_events_.emplace_back(addr, true);
  }
  return e;
}

bool TableEntryStore::unconfigure(uint32_t vni) {
  auto it = vnis_.find(vni);
  if (it == vnis_.end() || !it->second.configured) return false;
  it->second.configured = false;
  if (it->second.entries.empty()) vnis_.erase(it);
  return true;
}

void TableEntryStore::add_source(StoredEntry& e, EntrySource s) {
  if (!e.has(s)) ++by_source_[source_index(s)];
  e.sources |= source_bit(s);
}

void TableEntryStore::clear_source(uint32_t vni, const IpAddr& addr, StoredEntry& e,
                                   EntrySource s) {
  if (e.has(s)) --by_source_[source_index(s)];
  e.sources &= static_cast<uint8_t>(~source_bit(s));
  if (s == EntrySource::kLearned) {
    e.learned_expires = kNeverExpires;
  } else if (s == EntrySource::kPeer) {
    e.peer_expires = kNeverExpires;
  } else if (s == EntrySource::kRegistered) {
    VniEntries& state = vnis_[vni];
    for (const EntryRegistration& r : e.registrations) {
      auto it = state.by_identifier.find(r.identifier);
      if (it != state.by_identifier.end() && it->second == addr) state.by_identifier.erase(it);
    }
    e.registrations.clear();
  }
}

void TableEntryStore::remove_registration(uint32_t vni, const IpAddr& addr, StoredEntry& e,
                                          uint64_t identifier) {
  auto& regs = e.registrations;
  regs.erase(std::remove_if(regs.begin(), regs.end(),
                            [&](const EntryRegistration& r) { return r.identifier == identifier; }),
             regs.end());
  if (identifier == 0) return;
  VniEntries& state = vnis_[vni];
  auto it = state.by_identifier.find(identifier);
  if (it != state.by_identifier.end() && it->second == addr) state.by_identifier.erase(it);
}

std::optional<IpAddr> TableEntryStore::claim_identifier(uint32_t vni, uint64_t identifier,
                                                        const IpAddr& addr) {
  auto [it, fresh] = vnis_[vni].by_identifier.try_emplace(identifier, addr);
  if (fresh || it->second == addr) return std::nullopt;
  return std::exchange(it->second, addr);
}

void TableEntryStore::index_identifier(uint32_t vni, uint64_t identifier, const IpAddr& addr) {
  vnis_[vni].by_identifier.try_emplace(identifier, addr);
}

bool TableEntryStore::remove_if_unheld(uint32_t vni, const IpAddr& addr) {
  auto v = vnis_.find(vni);
  if (v == vnis_.end()) return false;
  auto it = v->second.entries.find(addr);
  if (it == v->second.entries.end() || it->second.sources != 0) return false;
  v->second.entries.erase(it);
  --entry_count_;
  auto ref = address_refs_.find(addr);
  if (ref != address_refs_.end() && --ref->second == 0) {
    address_refs_.erase(ref);
    addresses_changed_ = true;
    if (whole_list_taken_) address_events_.emplace_back(addr, false);
  }
  if (v->second.entries.empty() && !v->second.configured) vnis_.erase(v);
  return true;
}

void TableEntryStore::reserve_entries(uint32_t vni, size_t n) {
  if (VniEntries* v = find_vni(vni)) v->entries.reserve(v->entries.size() + n);
}

std::optional<std::vector<IpAddr>> TableEntryStore::take_address_changes() {
  if (!addresses_changed_) return std::nullopt;
  addresses_changed_ = false;
  whole_list_taken_ = true;
  address_events_.clear();
  std::vector<IpAddr> out;
  out.reserve(address_refs_.size());
  for (const auto& [addr, refs] : address_refs_) out.push_back(addr);
  std::sort(out.begin(), out.end());
  return out;
}

AddressDelta TableEntryStore::take_address_delta() {
  AddressDelta delta;
  if (!whole_list_taken_) return delta;  // the first take is whole (take_address_changes)
  addresses_changed_ = false;
  if (address_events_.empty()) return delta;
  // The last event of an address says where it ended; one that came and went (or went and
  // came back) may be reported either way: adding a target that exists or removing one
  // that does not changes nothing.
  std::unordered_map<IpAddr, bool, IpAddrHash> last;
  for (const auto& [addr, member] : address_events_) last[addr] = member;
  address_events_.clear();
  for (const auto& [addr, member] : last) (member ? delta.added : delta.removed).push_back(addr);
  return delta;
}

}  // namespace vxsn
