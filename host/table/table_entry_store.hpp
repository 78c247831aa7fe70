// The table's entries and nothing else: (VNI, VTEP) entries per VNI with the sources that
// hold them, and the indexes kept beside them (registration identifiers per VNI, distinct
// member addresses with reference counts, entry counts by source). It decides nothing: the
// limits and the allow-list are TableAdmission's, expiry is TableAgeing's, and what changed
// is TableChangeLog's. Kept apart so each of those reads one plain model, and so the
// indexes are updated in one place whatever entry point changes an entry.
#pragma once

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "driver/net_types.hpp"
#include "host/table/entries_by_source.hpp"
#include "host/table/membership_store.hpp"

namespace vxsn {

using TableTimePoint = std::chrono::steady_clock::time_point;
// The expiry of a source that never ages (static, a registration with holdtime 65535).
inline constexpr TableTimePoint kNeverExpires = TableTimePoint::max();

constexpr uint8_t source_bit(EntrySource s) {
  return static_cast<uint8_t>(s);
}

// IPv4 addresses compare by all 16 bytes: the unused tail is cleared so equal addresses
// are one key.
inline IpAddr normalized_address(IpAddr a) {
  if (a.is_v4()) std::fill(a.bytes.begin() + 4, a.bytes.end(), uint8_t{0});
  return a;
}

struct EntryRegistration {
  uint64_t identifier;
  TableTimePoint expires;
};

struct StoredEntry {
  uint8_t sources = 0;  // EntrySource bits
  std::vector<EntryRegistration> registrations;
  TableTimePoint learned_expires = kNeverExpires;
  TableTimePoint peer_expires = kNeverExpires;
  TableTimePoint created, updated;
  // TableAgeing's: the deadline tick of this entry's live timer-wheel item, 0 = none. Kept
  // in the entry so arming costs no lookup of its own.
  uint64_t armed_tick = 0;
  bool has(EntrySource s) const { return sources & source_bit(s); }
};

struct VniEntries {
  std::unordered_map<IpAddr, StoredEntry, IpAddrHash> entries;
  std::unordered_map<uint64_t, IpAddr> by_identifier;  // non-zero identifiers only
  bool configured = false;                             // a [[vni]] of the config
};

// Member addresses that came and went (each address in at most one of the lists).
struct AddressDelta {
  std::vector<IpAddr> added;
  std::vector<IpAddr> removed;
  bool empty() const { return added.empty() && removed.empty(); }
};

class TableEntryStore {
 public:
  using Vnis = std::unordered_map<uint32_t, VniEntries>;

  const Vnis& vnis() const { return vnis_; }
  size_t vni_count() const { return vnis_.size(); }
  size_t entry_count() const { return entry_count_; }
  EntriesBySource by_source() const;

  VniEntries* find_vni(uint32_t vni);
  const VniEntries* find_vni(uint32_t vni) const;
  StoredEntry* find(uint32_t vni, const IpAddr& addr);
  const StoredEntry* find(uint32_t vni, const IpAddr& addr) const;

  // An empty VNI (a configured one before its members).
  VniEntries& add_vni(uint32_t vni) { return vnis_[vni]; }
  // A new entry without sources in `vni` (`v`: that VNI if it exists, else nullptr). The
  // caller checked that it is absent and that the limits allow it.
  StoredEntry& create(VniEntries* v, uint32_t vni, const IpAddr& addr, TableTimePoint now);
  // The VNI is no longer configured; it goes if it has no entry. True if it was configured.
  bool unconfigure(uint32_t vni);

  void add_source(StoredEntry& e, EntrySource s);
  // Clears `s` and what belongs to it (its expiry; for kRegistered every registration and
  // its identifier index). The entry stays, maybe without sources: see remove_if_unheld.
  void clear_source(uint32_t vni, const IpAddr& addr, StoredEntry& e, EntrySource s);
  // Removes one identifier's registration (and its index) from `e`.
  void remove_registration(uint32_t vni, const IpAddr& addr, StoredEntry& e, uint64_t identifier);
  // Puts `identifier` on `addr` in `vni`'s index; the address it was on before, if another.
  std::optional<IpAddr> claim_identifier(uint32_t vni, uint64_t identifier, const IpAddr& addr);
  // Indexes `identifier` on `addr` unless it is on some address already (restore).
  void index_identifier(uint32_t vni, uint64_t identifier, const IpAddr& addr);
  // Erases the entry if no source holds it (and its VNI if that leaves it empty and
  // unconfigured). True if the entry went.
  bool remove_if_unheld(uint32_t vni, const IpAddr& addr);

  // Room for `n` more distinct addresses, and `n` more entries in `vni` if it exists (bulk
  // restore: each map grows once).
  void reserve_addresses(size_t n) { address_refs_.reserve(address_refs_.size() + n); }
  void reserve_entries(uint32_t vni, size_t n);
  // Distinct member addresses, sorted, if the set changed since the last call.
  std::optional<std::vector<IpAddr>> take_address_changes();
  // The same as a difference: addresses that became members of some VNI and addresses
  // that stopped being one since the last take of either kind, so a change of one member
  // costs its address, not a list of every address. Empty until a first whole take.
  AddressDelta take_address_delta();

 private:
  Vnis vnis_;
  size_t entry_count_ = 0;
  std::unordered_map<IpAddr, uint32_t, IpAddrHash> address_refs_;
  bool addresses_changed_ = true;
  // Since the last take, in order: (address, now a member). Kept only once a whole list
  // was taken: until then the next take is whole anyway.
  std::vector<std::pair<IpAddr, bool>> address_events_;
  bool whole_list_taken_ = false;
  std::array<uint64_t, 4> by_source_{};  // indexed by the EntrySource bit's position
};

}  // namespace vxsn
