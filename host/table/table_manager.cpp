#include "host/table/table_manager.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace vxsn {
namespace {

StoreResult store_result(TableRefusal r) {
  switch (r) {
    case TableRefusal::kRate:
      return StoreResult::kRefusedRate;
    case TableRefusal::kNotAllowed:
    case TableRefusal::kInvalid:
      return StoreResult::kRefusedNotAllowed;
    default:
      return StoreResult::kRefusedLimit;
  }
}

}  // namespace

TableManager::TableManager(const Config& config, Now now)
    : now_(std::move(now)),
      ageing_(now_(), std::chrono::milliseconds(config.table.ageing_interval_ms)),
      admission_(ageing_.epoch()) {
  std::lock_guard lock(mutex_);
  apply_settings(config);
  set_static_locked(config.vnis);
}

void TableManager::apply_settings(const Config& config) {
  admission_.set_policy(config);
  if (std::chrono::milliseconds(config.table.ageing_interval_ms) != ageing_.tick_len())
    spdlog::warn("table: ageing_interval_ms changes only on restart (running with {} ms)",
                 ageing_.tick_len().count());
}

void TableManager::reconfigure(const Config& config) {
  std::lock_guard lock(mutex_);
  apply_settings(config);
  set_static_locked(config.vnis);
  // Sources the new policy no longer accepts go; static ones stay (the config is the policy).
  std::vector<std::pair<uint32_t, IpAddr>> refused, unlearned;
  for (const auto& [vni, state] : store_.vnis()) {
    const bool learning_on = admission_.learning_enabled(vni);
    for (const auto& [addr, e] : state.entries) {
      if (e.sources & ~source_bit(EntrySource::kStatic) && !admission_.allows(vni, addr))
        refused.emplace_back(vni, addr);
      else if (e.has(EntrySource::kLearned) && !learning_on)
        unlearned.emplace_back(vni, addr);
    }
  }
  for (auto& [vni, addr] : refused) {
    spdlog::info("table: reload: VNI {} VTEP {} is outside the allow-list now, dropped", vni,
                 addr.to_string());
    for (EntrySource s : {EntrySource::kRegistered, EntrySource::kLearned, EntrySource::kPeer})
      if (StoredEntry* e = store_.find(vni, addr); e && e->has(s)) drop_source(vni, addr, s);
  }
  for (auto& [vni, addr] : unlearned) drop_source(vni, addr, EntrySource::kLearned);
}

void TableManager::set_static_locked(const std::vector<StaticVni>& vnis) {
  const TimePoint now = now_();
  std::unordered_map<uint32_t, std::unordered_set<IpAddr, IpAddrHash>> wanted;
  for (const StaticVni& v : vnis) {
    auto& set = wanted[v.vni];
    for (const IpAddr& a : v.members) set.insert(normalized_address(a));
  }
  // Entries no longer static lose that source only.
  std::vector<std::pair<uint32_t, IpAddr>> unstatic;
  std::vector<uint32_t> unconfigured;
  for (const auto& [vni, state] : store_.vnis()) {
    auto w = wanted.find(vni);
    if (state.configured && w == wanted.end()) unconfigured.push_back(vni);
    for (const auto& [addr, e] : state.entries)
      if (e.has(EntrySource::kStatic) && (w == wanted.end() || !w->second.count(addr)))
        unstatic.emplace_back(vni, addr);
  }
  for (auto& [vni, addr] : unstatic) drop_source(vni, addr, EntrySource::kStatic);
  for (uint32_t vni : unconfigured)
    if (store_.unconfigure(vni)) changes_.mark_vni(vni);
  for (auto& [vni, addrs] : wanted) add_static_locked(vni, addrs, now);
}

template <class Addresses>
void TableManager::add_static_locked(uint32_t vni, const Addresses& addrs, TimePoint now) {
  if (admission_.admit_static_vni(store_, vni)) return;
  VniEntries& state = store_.add_vni(vni);
  if (!state.configured) {
    state.configured = true;
    changes_.mark_vni(vni);
  }
  for (const IpAddr& addr : addrs) {
    StoredEntry* e = find_or_create(vni, addr, now, "static member");
    if (e != nullptr && !e->has(EntrySource::kStatic))
      add_source(vni, addr, *e, EntrySource::kStatic);
  }
}

void TableManager::set_static_vni(uint32_t vni, const std::vector<IpAddr>* members) {
  std::lock_guard lock(mutex_);
  const TimePoint now = now_();
  std::unordered_set<IpAddr, IpAddrHash> wanted;
  if (members != nullptr)
    for (const IpAddr& a : *members) wanted.insert(normalized_address(a));
  // As set_static_locked: the static source leaves first (room under the limits), then the
  // VNI is unconfigured or the wanted members come.
  std::vector<IpAddr> unstatic;
  if (const VniEntries* state = store_.find_vni(vni))
    for (const auto& [addr, e] : state->entries)
      if (e.has(EntrySource::kStatic) && !wanted.count(addr)) unstatic.push_back(addr);
  for (const IpAddr& addr : unstatic) drop_source(vni, addr, EntrySource::kStatic);
  if (members == nullptr) {
    if (store_.unconfigure(vni)) changes_.mark_vni(vni);
    return;
  }
  add_static_locked(vni, wanted, now);
}

void TableManager::change_static_members(uint32_t vni, const std::vector<IpAddr>& added,
                                         const std::vector<IpAddr>& removed, bool configured) {
  std::lock_guard lock(mutex_);
  const TimePoint now = now_();
  for (const IpAddr& a : removed) {
    const IpAddr addr = normalized_address(a);
    if (const StoredEntry* e = store_.find(vni, addr); e && e->has(EntrySource::kStatic))
      drop_source(vni, addr, EntrySource::kStatic);
  }
  if (!configured) {
    if (store_.unconfigure(vni)) changes_.mark_vni(vni);
    return;
  }
  std::vector<IpAddr> wanted;
  wanted.reserve(added.size());
  for (const IpAddr& a : added) wanted.push_back(normalized_address(a));
  add_static_locked(vni, wanted, now);
}

StoreResult TableManager::register_vtep(uint32_t vni, const IpAddr& vtep_in, uint64_t identifier,
                                        uint32_t holdtime_s, const IpAddr& requester) {
  const IpAddr vtep = normalized_address(vtep_in);
  std::lock_guard lock(mutex_);
  const TimePoint now = now_();
  if (auto refusal = admission_.admit_registration(vni, vtep, requester, now))
    return store_result(*refusal);

  if (holdtime_s == kHoldtimeWithdraw) {
    ++counters_.withdrawals;
    drop_registration(vni, vtep, identifier);
    return StoreResult::kOk;
  }

  StoredEntry* e = find_or_create(vni, vtep, now, "registration");
  if (e == nullptr) return StoreResult::kRefusedLimit;
  if (!admission_.admit_registration_on(*e, identifier)) return StoreResult::kRefusedLimit;
  ++counters_.registrations;
  // A new address under a known identifier replaces the old one (vxrd changed address).
  if (identifier != 0)
    if (auto old = store_.claim_identifier(vni, identifier, vtep)) {
      ++counters_.replaced_by_identifier;
      drop_registration(vni, *old, identifier);
      e = store_.find(vni, vtep);  // the map may not move entries, but stay safe
    }
  const TimePoint expires =
      holdtime_s == kHoldtimeForever ? EntryInfo::kNever : now + std::chrono::seconds(holdtime_s);
  auto reg = std::find_if(e->registrations.begin(), e->registrations.end(),
                          [&](const EntryRegistration& r) { return r.identifier == identifier; });
  if (reg == e->registrations.end())
    e->registrations.push_back({identifier, expires});
  else
    reg->expires = expires;
  e->updated = now;
  changes_.mark_local(vni, vtep);
  if (!e->has(EntrySource::kRegistered)) add_source(vni, vtep, *e, EntrySource::kRegistered);
  ageing_.arm(vni, vtep, *e);
  return StoreResult::kOk;
}

LearnOutcome TableManager::learn(uint32_t vni, const IpAddr& vtep_in) {
  const IpAddr vtep = normalized_address(vtep_in);
  std::lock_guard lock(mutex_);
  const TimePoint now = now_();
  if (auto refusal = admission_.admit_learn(store_, vni, vtep)) {
    if (*refusal == TableRefusal::kLearningOff) return LearnOutcome::kLearningOff;
    if (*refusal == TableRefusal::kUnknownVni) return LearnOutcome::kUnknownVni;
    return LearnOutcome::kRefused;
  }
  StoredEntry* e = find_or_create(vni, vtep, now, "learn event");
  if (e == nullptr) return LearnOutcome::kRefused;
  e->learned_expires = now + std::chrono::seconds(admission_.settings().learn_holdtime_s);
  e->updated = now;
  if (e->has(EntrySource::kLearned)) {
    // A refresh only moves the expiry: no wheel work, no new table; peers hear of it (the
    // replicator sends a pure refresh at most once per its refresh interval).
    ++counters_.learn_refreshes;
    changes_.mark_local(vni, vtep);
    if (e->armed_tick == 0) ageing_.arm(vni, vtep, *e);
    return LearnOutcome::kRefreshed;
  }
  ++counters_.learned;
  add_source(vni, vtep, *e, EntrySource::kLearned);
  ageing_.arm(vni, vtep, *e);
  return LearnOutcome::kLearned;
}

StoreResult TableManager::apply_peer(uint32_t vni, const IpAddr& vtep_in, bool held,
                                     TimePoint expires) {
  const IpAddr vtep = normalized_address(vtep_in);
  std::lock_guard lock(mutex_);
  const TimePoint now = now_();
  if (!admission_.admit_key(vni, vtep, "peer update")) return StoreResult::kRefusedNotAllowed;
  // The peer's write is the latest for this key: what this node's own sources said is
  // superseded (and not published: the peers already have the winner). A local change
  // still waiting to be published was made before this write and loses to it too.
  const TableChangeLog::Quiet quiet(changes_);
  changes_.forget_local(vni, vtep);
  if (StoredEntry* e = store_.find(vni, vtep)) {
    if (e->has(EntrySource::kStatic)) changes_.record_superseded_static(vni, vtep);
    for (EntrySource s : {EntrySource::kStatic, EntrySource::kRegistered, EntrySource::kLearned})
      if (StoredEntry* cur = store_.find(vni, vtep); cur && cur->has(s)) drop_source(vni, vtep, s);
  }
  if (!held || expires <= now) {
    if (StoredEntry* e = store_.find(vni, vtep); e && e->has(EntrySource::kPeer))
      drop_source(vni, vtep, EntrySource::kPeer);
    return StoreResult::kOk;
  }
  if (!admission_.admit_member(vni, vtep, "peer update")) return StoreResult::kRefusedNotAllowed;
  StoredEntry* e = find_or_create(vni, vtep, now, "peer update");
  if (e == nullptr) return StoreResult::kRefusedLimit;
  e->peer_expires = expires;
  e->updated = now;
  if (!e->has(EntrySource::kPeer)) add_source(vni, vtep, *e, EntrySource::kPeer);
  ageing_.arm(vni, vtep, *e);
  return StoreResult::kOk;
}

std::vector<std::pair<uint32_t, IpAddr>> TableManager::take_superseded_static() {
  std::lock_guard lock(mutex_);
  return changes_.take_superseded_static();
}

void TableManager::remove_peer_entry(uint32_t vni, const IpAddr& vtep_in) {
  const IpAddr vtep = normalized_address(vtep_in);
  std::lock_guard lock(mutex_);
  StoredEntry* e = store_.find(vni, vtep);
  if (e == nullptr || !e->has(EntrySource::kPeer)) return;
  drop_source(vni, vtep, EntrySource::kPeer);
  changes_.mark_local(vni, vtep);
}

void TableManager::enable_replication() {
  std::lock_guard lock(mutex_);
  changes_.start_replication();
  for (const auto& [vni, state] : store_.vnis())
    for (const auto& [addr, e] : state.entries)
      if (e.sources & ~source_bit(EntrySource::kPeer)) changes_.mark_local(vni, addr);
}

std::vector<LocalEntryChange> TableManager::take_local_changes() {
  std::lock_guard lock(mutex_);
  std::vector<LocalEntryChange> out = changes_.take_local_changes(store_);
  // This node's write is now the latest for each held key: a peer's older value is gone.
  for (const LocalEntryChange& c : out)
    if (c.held) drop_source(c.vni, c.vtep, EntrySource::kPeer);
  return out;
}

std::vector<IpAddr> TableManager::members(uint32_t vni) const {
  std::lock_guard lock(mutex_);
  std::vector<IpAddr> out;
  const VniEntries* v = store_.find_vni(vni);
  if (v == nullptr) return out;
  out.reserve(v->entries.size());
  for (const auto& [addr, e] : v->entries) out.push_back(addr);
  std::sort(out.begin(), out.end());
  return out;
}

size_t TableManager::member_count(uint32_t vni) const {
  std::lock_guard lock(mutex_);
  const VniEntries* v = store_.find_vni(vni);
  return v == nullptr ? 0 : v->entries.size();
}

std::vector<uint32_t> TableManager::vnis() const {
  std::lock_guard lock(mutex_);
  std::vector<uint32_t> out;
  out.reserve(store_.vni_count());
  for (const auto& [vni, state] : store_.vnis()) out.push_back(vni);
  std::sort(out.begin(), out.end());
  return out;
}

void TableManager::align_ticks_to_wall_clock(int64_t unix_ms_now) {
  std::lock_guard lock(mutex_);
  ageing_.align_to_wall_clock(now_(), unix_ms_now);
}

void TableManager::advance() {
  std::lock_guard lock(mutex_);
  const TimePoint now = now_();
  if (!ageing_.advance(now, store_, [&](uint32_t vni, const IpAddr& addr, StoredEntry& e) {
        expire(vni, addr, e, now);
      }))
    return;
  admission_.forget_idle_requesters(now);
}

void TableManager::expire(uint32_t vni, const IpAddr& addr_in, const StoredEntry& e,
                          TimePoint now) {
  const IpAddr addr = addr_in;  // a copy: dropping sources may erase what addr_in refers to
  const TableChangeLog::Quiet quiet(changes_);  // every node ages the same expiry: no publish
  TableAgeing::expired_sources(e, now, expired_);
  // Registrations first: several identifiers may hold one address.
  for (uint64_t id : expired_.registrations) {
    ++counters_.expired;
    drop_registration(vni, addr, id);
  }
  if (expired_.learned) {
    ++counters_.expired;
    drop_source(vni, addr, EntrySource::kLearned);
  }
  if (expired_.peer) {
    ++counters_.expired;
    drop_source(vni, addr, EntrySource::kPeer);
  }
  if (StoredEntry* e = store_.find(vni, addr)) ageing_.arm(vni, addr, *e);
}

std::vector<SavedSource> TableManager::saved_sources() const {
  std::lock_guard lock(mutex_);
  std::vector<SavedSource> out;
  const EntriesBySource counts = store_.by_source();
  out.reserve(counts.registered + counts.learned);  // a few more with several identifiers
  for (const auto& [vni, state] : store_.vnis())
    for (const auto& [addr, e] : state.entries) {
      for (const EntryRegistration& r : e.registrations)
        out.push_back({vni, addr, EntrySource::kRegistered, r.identifier, r.expires});
      if (e.has(EntrySource::kLearned))
        out.push_back({vni, addr, EntrySource::kLearned, 0, e.learned_expires});
    }
  return out;
}

RestoreCounts TableManager::restore(const std::vector<SavedSource>& sources) {
  std::lock_guard lock(mutex_);
  const TimePoint now = now_();
  RestoreCounts n;
  store_.reserve_addresses(sources.size());
  // Registered sources first: a learned one needs its VNI to exist already.
  for (EntrySource pass : {EntrySource::kRegistered, EntrySource::kLearned}) {
    size_t run_end = 0;  // one past the last source of the current VNI
    for (size_t i = 0; i < sources.size(); ++i) {
      const SavedSource& s = sources[i];
      // The file keeps each VNI's sources together: its map grows once, not step by step.
      if (i >= run_end) {
        run_end = i + 1;
        while (run_end < sources.size() && sources[run_end].vni == s.vni) ++run_end;
        store_.reserve_entries(s.vni, run_end - i);
      }
      if (s.source != pass) continue;
      if (s.expires <= now) {
        ++n.expired;
        continue;
      }
      if (restore_one(s, now))
        ++n.restored;
      else
        ++n.refused;
    }
  }
  return n;
}

bool TableManager::restore_one(const SavedSource& s, TimePoint now) {
  const IpAddr vtep = normalized_address(s.vtep);
  const bool learned = s.source == EntrySource::kLearned;
  if (!admission_.accepts_saved(store_, s.vni, vtep, learned)) return false;
  StoredEntry* e = find_or_create(s.vni, vtep, now, nullptr);
  if (e == nullptr) return false;
  if (learned) {
    e->learned_expires = s.expires;
  } else {
    auto reg =
        std::find_if(e->registrations.begin(), e->registrations.end(),
                     [&](const EntryRegistration& r) { return r.identifier == s.identifier; });
    if (reg != e->registrations.end()) {
      reg->expires = std::max(reg->expires, s.expires);
    } else if (admission_.registration_fits(*e, s.identifier)) {
      e->registrations.push_back({s.identifier, s.expires});
      if (s.identifier != 0) store_.index_identifier(s.vni, s.identifier, vtep);
    } else {
      remove_entry_if_unheld(s.vni, vtep);
      return false;
    }
  }
  if (!e->has(s.source)) add_source(s.vni, vtep, *e, s.source);
  ageing_.arm(s.vni, vtep, *e);
  return true;
}

std::vector<VniChange> TableManager::take_changes() {
  std::lock_guard lock(mutex_);
  return changes_.take_changes(store_);
}

std::vector<VniChange> TableManager::snapshot() const {
  std::lock_guard lock(mutex_);
  std::vector<VniChange> out;
  out.reserve(store_.vni_count());
  for (const auto& [vni, state] : store_.vnis()) out.push_back(describe_vni(store_, vni));
  std::sort(out.begin(), out.end(),
            [](const VniChange& a, const VniChange& b) { return a.vni < b.vni; });
  return out;
}

std::optional<std::vector<IpAddr>> TableManager::take_address_changes() {
  std::lock_guard lock(mutex_);
  return store_.take_address_changes();
}

AddressDelta TableManager::take_address_delta() {
  std::lock_guard lock(mutex_);
  return store_.take_address_delta();
}

void TableManager::set_change_callback(std::function<void()> callback) {
  std::lock_guard lock(mutex_);
  changes_.set_callback(std::move(callback));
}

std::optional<EntryInfo> TableManager::entry(uint32_t vni, const IpAddr& vtep) const {
  std::lock_guard lock(mutex_);
  const StoredEntry* e = store_.find(vni, normalized_address(vtep));
  if (e == nullptr) return std::nullopt;
  EntryInfo info;
  info.sources = e->sources;
  for (const EntryRegistration& r : e->registrations)
    info.registrations.emplace_back(r.identifier, r.expires);
  info.learned_expires = e->learned_expires;
  info.peer_expires = e->peer_expires;
  info.created = e->created;
  info.updated = e->updated;
  return info;
}

size_t TableManager::entry_count() const {
  std::lock_guard lock(mutex_);
  return store_.entry_count();
}

size_t TableManager::vni_count() const {
  std::lock_guard lock(mutex_);
  return store_.vni_count();
}

TableCounters TableManager::counters() const {
  std::lock_guard lock(mutex_);
  TableCounters c = counters_;
  auto refused = [&](TableRefusal r) { return admission_.refusals(r); };
  c.learn_disabled = refused(TableRefusal::kLearningOff);
  c.learn_unknown_vni = refused(TableRefusal::kUnknownVni);
  c.refused_vni_limit = refused(TableRefusal::kVniLimit);
  c.refused_member_limit = refused(TableRefusal::kMemberLimit);
  c.refused_entry_limit = refused(TableRefusal::kEntryLimit);
  c.refused_not_allowed = refused(TableRefusal::kNotAllowed);
  c.refused_rate = refused(TableRefusal::kRate);
  c.refused_invalid = refused(TableRefusal::kInvalid);
  c.refused_registrations_per_entry = refused(TableRefusal::kRegistrationsPerEntry);
  c.batches = changes_.batches();
  return c;
}

EntriesBySource TableManager::entries_by_source() const {
  std::lock_guard lock(mutex_);
  return store_.by_source();
}

// ---- the steps every entry point composes (mutex_ held) ----

StoredEntry* TableManager::find_or_create(uint32_t vni, const IpAddr& addr, TimePoint now,
                                          const char* what) {
  VniEntries* v = store_.find_vni(vni);
  if (v != nullptr)
    if (auto it = v->entries.find(addr); it != v->entries.end()) return &it->second;
  if (auto refusal = admission_.room_for_entry(store_, v)) {
    if (what != nullptr) admission_.count(*refusal, vni, addr, what);
    return nullptr;
  }
  StoredEntry& e = store_.create(v, vni, addr, now);
  changes_.mark_member(vni, addr);
  return &e;
}

void TableManager::add_source(uint32_t vni, const IpAddr& addr, StoredEntry& e, EntrySource s) {
  store_.add_source(e, s);
  if (s != EntrySource::kPeer) changes_.mark_local(vni, addr);
  // The learned flag is part of what the datapath sees; other sources change nothing there.
  if (s == EntrySource::kLearned) changes_.mark_member(vni, addr);
}

void TableManager::drop_source(uint32_t vni, const IpAddr& addr, EntrySource s) {
  StoredEntry* e = store_.find(vni, addr);
  if (e == nullptr) return;
  store_.clear_source(vni, addr, *e, s);
  if (s != EntrySource::kPeer) changes_.mark_local(vni, addr);
  if (s == EntrySource::kLearned) changes_.mark_member(vni, addr);
  remove_entry_if_unheld(vni, addr);
}

void TableManager::drop_registration(uint32_t vni, const IpAddr& addr, uint64_t identifier) {
  StoredEntry* e = store_.find(vni, addr);
  if (e == nullptr) return;
  store_.remove_registration(vni, addr, *e, identifier);
  changes_.mark_local(vni, addr);  // the expiry or identifier peers know may have changed
  if (e->registrations.empty() && e->has(EntrySource::kRegistered))
    drop_source(vni, addr, EntrySource::kRegistered);
}

void TableManager::remove_entry_if_unheld(uint32_t vni, const IpAddr& addr) {
  const IpAddr key = addr;  // `addr` may be the erased entry's own key
  if (!store_.remove_if_unheld(vni, key)) return;
  ++counters_.entries_removed;
  changes_.mark_member(vni, key);
}

}  // namespace vxsn
