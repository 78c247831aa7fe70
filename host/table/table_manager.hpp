// The node's one model of VNI membership: (VNI, VTEP) entries held by any of four sources
// (static config, registrations, learning from the datapath, peers). An entry lives while
// any source holds it; static never ages, the others expire at their holdtime on a timer
// wheel. Changes are collected per VNI and handed out in batches (take_changes) for the
// daemon to compile into the datapath's table; only changed VNIs are reported.
//
// A facade over four parts with one job each, composed under one lock: the entries
// (TableEntryStore), whether something may enter (TableAdmission), when sources expire
// (TableAgeing) and what changed (TableChangeLog). Each entry point asks admission first,
// then changes the store, then arms ageing and records the change.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <vector>

#include "driver/net_types.hpp"
#include "host/config/config.hpp"
#include "host/table/entries_by_source.hpp"
#include "host/table/membership_store.hpp"
#include "host/table/table_admission.hpp"
#include "host/table/table_ageing.hpp"
#include "host/table/table_change_log.hpp"
#include "host/table/table_entry_store.hpp"

namespace vxsn {

enum class LearnOutcome {
  kLearned,      // a new learned source (maybe on an entry other sources already held)
  kRefreshed,    // an existing learned source's expiry moved on
  kLearningOff,  // learning is switched off for this VNI
  kUnknownVni,   // the VNI is not in the table: learning never creates one
  kRefused,      // allow-list or limits (counted as such)
};

struct TableCounters {
  uint64_t registrations = 0;  // accepted registrations and refreshes
  uint64_t withdrawals = 0;    // accepted holdtime-0 registrations
  uint64_t replaced_by_identifier = 0;
  uint64_t learned = 0;
  uint64_t learn_refreshes = 0;
  uint64_t learn_disabled = 0;     // learn events for VNIs with learning off
  uint64_t learn_unknown_vni = 0;  // learn events for VNIs not in the table (ignored)
  uint64_t expired = 0;            // sources that timed out
  uint64_t entries_removed = 0;    // entries whose last source went
  uint64_t refused_vni_limit = 0;
  uint64_t refused_member_limit = 0;
  uint64_t refused_entry_limit = 0;
  uint64_t refused_not_allowed = 0;
  uint64_t refused_rate = 0;
  uint64_t refused_invalid = 0;                  // VNI above 24 bits, address without a family
  uint64_t refused_registrations_per_entry = 0;  // kMaxRegistrationsPerEntry identifiers held
  uint64_t batches = 0;                          // take_changes calls that returned changes
};

// Everything known about one entry (tests, CLI).
struct EntryInfo {
  using TimePoint = std::chrono::steady_clock::time_point;
  static constexpr TimePoint kNever = kNeverExpires;
  uint8_t sources = 0;                                        // EntrySource bits
  std::vector<std::pair<uint64_t, TimePoint>> registrations;  // identifier, expiry
  TimePoint learned_expires = kNever;
  TimePoint peer_expires = kNever;
  TimePoint created, updated;
  bool has(EntrySource s) const { return sources & static_cast<uint8_t>(s); }
};

// One registered or learned source of one entry, as the state file keeps it across a
// restart. Static sources are not kept (the config file is their truth), nor peers' (the
// peers' resync brings them back, newer).
struct SavedSource {
  using TimePoint = std::chrono::steady_clock::time_point;
  uint32_t vni = 0;
  IpAddr vtep;
  EntrySource source = EntrySource::kLearned;  // kRegistered or kLearned
  uint64_t identifier = 0;                     // kRegistered: the registration's identifier
  TimePoint expires{};                         // EntryInfo::kNever: never expires
};

// What restore() did with the saved sources it was given.
struct RestoreCounts {
  size_t restored = 0;  // sources back in the table
  size_t expired = 0;   // already past their expiry: dropped
  size_t refused = 0;   // limits, allow-list, learning off or an unknown VNI: dropped
};

class TableManager : public MembershipStore {
 public:
  static constexpr size_t kMaxRegistrationsPerEntry = TableAdmission::kMaxRegistrationsPerEntry;
  using Clock = std::chrono::steady_clock;
  using TimePoint = Clock::time_point;
  using Now = std::function<TimePoint()>;

  // Limits, timers, allow-list and learning policy from `config`; static entries too.
  explicit TableManager(
      const Config& config, Now now = [] { return Clock::now(); });

  // SIGHUP: new limits, allow-list and learning policy; the static source becomes exactly
  // config.vnis (entries no longer static lose that source only). Registered, learned and
  // peer sources the new allow-list or learning policy refuses are dropped.
  void reconfigure(const Config& config);
  // One VNI's static members become exactly `members` (null: the VNI is no longer
  // configured; its entries lose the static source only). What reconfigure does for that
  // VNI alone, at the cost of that VNI: the API changes one VNI per call.
  void set_static_vni(uint32_t vni, const std::vector<IpAddr>* members);
  // The same for a change of a few members: `removed` lose the static source, then the VNI
  // is unconfigured (`configured` false) or `added` become static. Costs the addresses
  // given, not the VNI: an API call adding one member to a VNI of 10 000 touches one entry.
  void change_static_members(uint32_t vni, const std::vector<IpAddr>& added,
                             const std::vector<IpAddr>& removed, bool configured);

  // MembershipStore.
  StoreResult register_vtep(uint32_t vni, const IpAddr& vtep, uint64_t identifier,
                            uint32_t holdtime_s, const IpAddr& requester) override;
  std::vector<IpAddr> members(uint32_t vni) const override;
  size_t member_count(uint32_t vni) const;  // members(vni).size() without the list
  // Every VNI in the table: with a live member, or configured (possibly empty).
  std::vector<uint32_t> vnis() const override;

  // A (VNI, VTEP) seen on the datapath: learned source, holdtime table.learn_holdtime_s.
  LearnOutcome learn(uint32_t vni, const IpAddr& vtep);
  // A peer node's write, which won last-writer-wins for this key: the entry is the peer's
  // until `expires` (kNever: no expiry), or gone when `held` is false (or the expiry is
  // past). Either way this node's own sources for the key are superseded and dropped
  // without being published; static ones are reported by take_superseded_static() so the
  // running config can drop them too.
  StoreResult apply_peer(uint32_t vni, const IpAddr& vtep, bool held, TimePoint expires);
  std::vector<std::pair<uint32_t, IpAddr>> take_superseded_static();

  // The operator removes a peer's entry here: the peer source goes and, with replication,
  // the deletion is queued for the peers like a local one.
  void remove_peer_entry(uint32_t vni, const IpAddr& vtep);

  // Replication: from now on every change of an entry's own (non-peer) sources, except
  // ageing (every node ages the same absolute expiry) and a peer's write superseding them,
  // is queued for take_local_changes(); every entry held now is queued once, so peers learn
  // this node's whole table. Taking a held entry's change drops its peer source: this
  // node's write is then the latest for the key.
  void enable_replication();
  std::vector<LocalEntryChange> take_local_changes();

  // Ageing ticks then fall on the same wall-clock instants on every node (multiples of the
  // ageing interval since the Unix epoch), so a replicated entry expires on all nodes of a
  // cluster together instead of up to one interval apart. Call before anything can expire
  // (the daemon does right after construction).
  void align_ticks_to_wall_clock(int64_t unix_ms_now);

  // Every registered and learned source, grouped by VNI (for the state file). One pass
  // under the lock: the caller encodes and writes elsewhere.
  std::vector<SavedSource> saved_sources() const;
  // Puts saved sources back, in bulk: one lock, each VNI's map sized once, no log line per
  // entry. Sources already expired are dropped; the rest pass the limits, the allow-list and
  // the learning policy as new ones would, and a learned source needs its VNI to exist
  // (configured or registered), as learning never creates one. Call at start, before the
  // first table and before replication is enabled.
  RestoreCounts restore(const std::vector<SavedSource>& sources);

  // Expires every source due by now. Call every ageing interval (cheap when nothing is due).
  void advance();

  // The VNIs changed since the last call, each with its complete current member list.
  std::vector<VniChange> take_changes();
  // Every VNI with its members (a full compile, e.g. after the layout changed).
  std::vector<VniChange> snapshot() const;
  // Distinct member addresses, if the set changed since the last call (next-hop tracking).
  std::optional<std::vector<IpAddr>> take_address_changes();
  // Or as the addresses that came and went since the last take of either kind.
  AddressDelta take_address_delta();
  // Called (from the thread making the change, with the table's lock held: keep it short)
  // when the first change after a take_changes() is made, and when the first change to
  // replicate after a take_local_changes() is queued, so a control loop can wake up.
  void set_change_callback(std::function<void()> callback);

  std::optional<EntryInfo> entry(uint32_t vni, const IpAddr& vtep) const;
  size_t entry_count() const;
  size_t vni_count() const;
  // Kept as sources come and go: reading it never walks the table.
  EntriesBySource entries_by_source() const;
  TableCounters counters() const;
  const TableSettings& settings() const { return admission_.settings(); }

 private:
  void apply_settings(const Config& config);
  void set_static_locked(const std::vector<StaticVni>& vnis);
  // The static source on every address of `addrs` in `vni`, the VNI configured (unless
  // admission refuses the VNI).
  template <class Addresses>
  void add_static_locked(uint32_t vni, const Addresses& addrs, TimePoint now);
  // restore(): one saved source into the table; false if it was refused.
  bool restore_one(const SavedSource& s, TimePoint now);
  // The entry for (vni, addr), created if admission allows; nullptr if not, the refusal
  // counted under `what` (nullptr: not counted, as in restore).
  StoredEntry* find_or_create(uint32_t vni, const IpAddr& addr, TimePoint now, const char* what);
  void add_source(uint32_t vni, const IpAddr& addr, StoredEntry& e, EntrySource s);
  // Removes `s` (and the entry if no source is left).
  void drop_source(uint32_t vni, const IpAddr& addr, EntrySource s);
  void drop_registration(uint32_t vni, const IpAddr& addr, uint64_t identifier);
  void remove_entry_if_unheld(uint32_t vni, const IpAddr& addr);
  // Ageing found `e` (vni, addr) due: its expired sources go, the rest is armed again.
  void expire(uint32_t vni, const IpAddr& addr, const StoredEntry& e, TimePoint now);

  Now now_;
  mutable std::mutex mutex_;
  TableEntryStore store_;
  TableAgeing ageing_;  // before admission_: its epoch starts admission_'s sweeps
  TableAdmission admission_;
  TableChangeLog changes_;
  TableCounters counters_;  // the refusals and batches are admission_'s and changes_'s
  ExpiredSources expired_;  // expire()'s, reused
};

}  // namespace vxsn
