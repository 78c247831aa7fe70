#include "host/table/table_manager.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <bit>
#include <utility>

#include "hls/vxlan_wire.hpp"
#include "host/log/log_rate_limiter.hpp"

namespace vxsn {
namespace {

constexpr uint8_t bit(EntrySource s) {
  return static_cast<uint8_t>(s);
}

// IPv4 addresses compare by all 16 bytes: clear the unused tail so equal addresses match.
IpAddr normalized(IpAddr a) {
  if (a.is_v4()) std::fill(a.bytes.begin() + 4, a.bytes.end(), uint8_t{0});
  return a;
}

const char* refusal_name(int r) {
  static const char* names[] = {"VNI limit",  "members-per-VNI limit", "entry limit",
                                "allow-list", "registration rate",     "invalid VNI or address"};
  return names[r];
}

// Changes made while one lives are not replicated (ageing, a peer's write).
class QuietScope {
 public:
  explicit QuietScope(bool& flag) : flag_(flag) { flag_ = true; }
  ~QuietScope() { flag_ = false; }
  QuietScope(const QuietScope&) = delete;
  QuietScope& operator=(const QuietScope&) = delete;

 private:
  bool& flag_;
};

}  // namespace

TableManager::TableManager(const Config& config, Now now)
    : now_(std::move(now)), epoch_(now_()), wheel_(4096) {
  tick_len_ = std::chrono::milliseconds(config.table.ageing_interval_ms);
  last_bucket_sweep_ = epoch_;
  std::lock_guard lock(mutex_);
  apply_settings(config);
  set_static_locked(config.vnis);
}

void TableManager::apply_settings(const Config& config) {
  settings_ = config.table;
  allow_ = AllowList::from_config(config);
  learning_ = LearningPolicy::from_config(config);
  rate_.set_limits(settings_.registration_rate, settings_.registration_burst);
  if (std::chrono::milliseconds(settings_.ageing_interval_ms) != tick_len_)
    spdlog::warn("table: ageing_interval_ms changes only on restart (running with {} ms)",
                 tick_len_.count());
}

void TableManager::reconfigure(const Config& config) {
  std::lock_guard lock(mutex_);
  apply_settings(config);
  set_static_locked(config.vnis);
  // Sources the new policy no longer accepts go; static ones stay (the config is the policy).
  std::vector<std::pair<uint32_t, IpAddr>> refused, unlearned;
  for (auto& [vni, state] : vnis_) {
    const bool learning_on = learning_.enabled(vni);
    for (auto& [addr, e] : state.entries) {
      if (e.sources & ~bit(EntrySource::kStatic) && !allow_.allows(vni, addr))
        refused.emplace_back(vni, addr);
      else if ((e.sources & bit(EntrySource::kLearned)) && !learning_on)
        unlearned.emplace_back(vni, addr);
    }
  }
  for (auto& [vni, addr] : refused) {
    spdlog::info("table: reload: VNI {} VTEP {} is outside the allow-list now, dropped", vni,
                 addr.to_string());
    for (EntrySource s : {EntrySource::kRegistered, EntrySource::kLearned, EntrySource::kPeer})
      if (Entry* e = find(vni, addr); e && (e->sources & bit(s))) drop_source(vni, addr, s);
  }
  for (auto& [vni, addr] : unlearned) drop_source(vni, addr, EntrySource::kLearned);
}

void TableManager::set_static_locked(const std::vector<StaticVni>& vnis) {
  const TimePoint now = now_();
  std::unordered_map<uint32_t, std::unordered_set<IpAddr, IpAddrHash>> wanted;
  for (const StaticVni& v : vnis) {
    auto& set = wanted[v.vni];
    for (const IpAddr& a : v.members) set.insert(normalized(a));
  }
  // Entries no longer static lose that source only.
  std::vector<std::pair<uint32_t, IpAddr>> unstatic;
  std::vector<uint32_t> unconfigured;
  for (auto& [vni, state] : vnis_) {
    auto w = wanted.find(vni);
    if (state.configured && w == wanted.end()) unconfigured.push_back(vni);
    for (auto& [addr, e] : state.entries)
      if ((e.sources & bit(EntrySource::kStatic)) && (w == wanted.end() || !w->second.count(addr)))
        unstatic.emplace_back(vni, addr);
  }
  for (auto& [vni, addr] : unstatic) drop_source(vni, addr, EntrySource::kStatic);
  for (uint32_t vni : unconfigured) {
    auto it = vnis_.find(vni);
    if (it == vnis_.end()) continue;
    it->second.configured = false;
    mark_dirty(vni);
    if (it->second.entries.empty()) vnis_.erase(it);
  }
  for (auto& [vni, addrs] : wanted) {
    Refusal refusal;
    if (vni > wire::kVniMax) {
      count_refusal(Refusal::kInvalid, vni, IpAddr{}, "static VNI");
      continue;
    }
    auto it = vnis_.find(vni);
    if (it == vnis_.end()) {
      if (vnis_.size() >= settings_.max_vnis) {
        count_refusal(Refusal::kVniLimit, vni, IpAddr{}, "static VNI");
        continue;
      }
      it = vnis_.emplace(vni, VniState{}).first;
    }
    if (!it->second.configured) {
      it->second.configured = true;
      mark_dirty(vni);
    }
    for (const IpAddr& addr : addrs) {
      Entry* e = find_or_create(vni, addr, now, &refusal);
      if (e == nullptr) {
        count_refusal(refusal, vni, addr, "static member");
        continue;
      }
      if (!(e->sources & bit(EntrySource::kStatic)))
        add_source(vni, addr, *e, EntrySource::kStatic);
    }
  }
}

StoreResult TableManager::register_vtep(uint32_t vni, const IpAddr& vtep_in, uint64_t identifier,
                                        uint32_t holdtime_s, const IpAddr& requester) {
  const IpAddr vtep = normalized(vtep_in);
  std::lock_guard lock(mutex_);
  const TimePoint now = now_();
  if (vni > wire::kVniMax || !(vtep.is_v4() || vtep.is_v6())) {
    count_refusal(Refusal::kInvalid, vni, vtep, "registration");
    return StoreResult::kRefusedNotAllowed;
  }
  if (!allow_.allows(vni, vtep) || !allow_.allows(vni, normalized(requester))) {
    count_refusal(Refusal::kNotAllowed, vni, vtep, "registration");
    return StoreResult::kRefusedNotAllowed;
  }
  if (!rate_.allow(normalized(requester), now)) {
    count_refusal(Refusal::kRate, vni, requester, "registration");
    return StoreResult::kRefusedRate;
  }

  if (holdtime_s == kHoldtimeWithdraw) {
    ++counters_.withdrawals;
    drop_registration(vni, vtep, identifier);
    return StoreResult::kOk;
  }

  Refusal refusal;
  Entry* e = find_or_create(vni, vtep, now, &refusal);
  if (e == nullptr) {
    count_refusal(refusal, vni, vtep, "registration");
    return StoreResult::kRefusedLimit;
  }
  // Identifiers cost a sender nothing: one entry keeps a bounded number of them.
  if (e->registrations.size() >= kMaxRegistrationsPerEntry &&
      std::none_of(e->registrations.begin(), e->registrations.end(),
                   [&](const Registration& r) { return r.identifier == identifier; })) {
    ++counters_.refused_registrations_per_entry;
    return StoreResult::kRefusedLimit;
  }
  ++counters_.registrations;
  // A new address under a known identifier replaces the old one (vxrd changed address).
  if (identifier != 0) {
    VniState& state = vnis_[vni];
    auto [it, fresh] = state.by_identifier.try_emplace(identifier, vtep);
    if (!fresh && it->second != vtep) {
      const IpAddr old = it->second;
      it->second = vtep;
      ++counters_.replaced_by_identifier;
      drop_registration(vni, old, identifier);
      e = find(vni, vtep);  // the map may not move entries, but stay safe
    }
  }
  const TimePoint expires =
      holdtime_s == kHoldtimeForever ? EntryInfo::kNever : now + std::chrono::seconds(holdtime_s);
  auto reg = std::find_if(e->registrations.begin(), e->registrations.end(),
                          [&](const Registration& r) { return r.identifier == identifier; });
  if (reg == e->registrations.end())
    e->registrations.push_back({identifier, expires});
  else
    reg->expires = expires;
  e->updated = now;
  mark_local_dirty(vni, vtep);
  if (!(e->sources & bit(EntrySource::kRegistered)))
    add_source(vni, vtep, *e, EntrySource::kRegistered);
  arm(vni, vtep, *e);
  return StoreResult::kOk;
}

LearnOutcome TableManager::learn(uint32_t vni, const IpAddr& vtep_in) {
  const IpAddr vtep = normalized(vtep_in);
  std::lock_guard lock(mutex_);
  const TimePoint now = now_();
  if (vni > wire::kVniMax || !(vtep.is_v4() || vtep.is_v6())) {
    count_refusal(Refusal::kInvalid, vni, vtep, "learn event");
    return LearnOutcome::kRefused;
  }
  if (!learning_.enabled(vni)) {
    ++counters_.learn_disabled;
    return LearnOutcome::kLearningOff;
  }
  // Learning adds members to VNIs that exist (configured, registered, from a peer); it never
  // creates one: a flood for a VNI nobody set up is an unknown VNI, whoever sends it.
  if (vnis_.find(vni) == vnis_.end()) {
    ++counters_.learn_unknown_vni;
    return LearnOutcome::kUnknownVni;
  }
  if (!allow_.allows(vni, vtep)) {
    count_refusal(Refusal::kNotAllowed, vni, vtep, "learn event");
    return LearnOutcome::kRefused;
  }
  Refusal refusal;
  Entry* e = find_or_create(vni, vtep, now, &refusal);
  if (e == nullptr) {
    count_refusal(refusal, vni, vtep, "learn event");
    return LearnOutcome::kRefused;
  }
  e->learned_expires = now + std::chrono::seconds(settings_.learn_holdtime_s);
  e->updated = now;
  if (e->sources & bit(EntrySource::kLearned)) {
    // A refresh only moves the expiry: no wheel work, no new table; peers hear of it (the
    // replicator sends a pure refresh at most once per its refresh interval).
    ++counters_.learn_refreshes;
    mark_local_dirty(vni, vtep);
    if (e->armed_tick == 0) arm(vni, vtep, *e);
    return LearnOutcome::kRefreshed;
  }
  ++counters_.learned;
  add_source(vni, vtep, *e, EntrySource::kLearned);
  arm(vni, vtep, *e);
  return LearnOutcome::kLearned;
}

StoreResult TableManager::apply_peer(uint32_t vni, const IpAddr& vtep_in, bool held,
                                     TimePoint expires) {
  const IpAddr vtep = normalized(vtep_in);
  std::lock_guard lock(mutex_);
  const TimePoint now = now_();
  if (vni > wire::kVniMax || !(vtep.is_v4() || vtep.is_v6())) {
    count_refusal(Refusal::kInvalid, vni, vtep, "peer update");
    return StoreResult::kRefusedNotAllowed;
  }
  // The peer's write is the latest for this key: what this node's own sources said is
  // superseded (and not published: the peers already have the winner). A local change
  // still waiting to be published was made before this write and loses to it too.
  const QuietScope quiet(quiet_);
  if (auto d = local_dirty_.find(vni); d != local_dirty_.end()) d->second.erase(vtep);
  if (Entry* e = find(vni, vtep)) {
    if (e->sources & bit(EntrySource::kStatic)) superseded_static_.emplace_back(vni, vtep);
    for (EntrySource s : {EntrySource::kStatic, EntrySource::kRegistered, EntrySource::kLearned})
      if (Entry* cur = find(vni, vtep); cur && (cur->sources & bit(s))) drop_source(vni, vtep, s);
  }
  if (!held || expires <= now) {
    if (Entry* e = find(vni, vtep); e && (e->sources & bit(EntrySource::kPeer)))
      drop_source(vni, vtep, EntrySource::kPeer);
    return StoreResult::kOk;
  }
  if (!allow_.allows(vni, vtep)) {
    count_refusal(Refusal::kNotAllowed, vni, vtep, "peer update");
    return StoreResult::kRefusedNotAllowed;
  }
  Refusal refusal;
  Entry* e = find_or_create(vni, vtep, now, &refusal);
  if (e == nullptr) {
    count_refusal(refusal, vni, vtep, "peer update");
    return StoreResult::kRefusedLimit;
  }
  e->peer_expires = expires;
  e->updated = now;
  if (!(e->sources & bit(EntrySource::kPeer))) add_source(vni, vtep, *e, EntrySource::kPeer);
  arm(vni, vtep, *e);
  return StoreResult::kOk;
}

std::vector<std::pair<uint32_t, IpAddr>> TableManager::take_superseded_static() {
  std::lock_guard lock(mutex_);
  return std::exchange(superseded_static_, {});
}

void TableManager::remove_peer_entry(uint32_t vni, const IpAddr& vtep_in) {
  const IpAddr vtep = normalized(vtep_in);
  std::lock_guard lock(mutex_);
  Entry* e = find(vni, vtep);
  if (e == nullptr || !(e->sources & bit(EntrySource::kPeer))) return;
  drop_source(vni, vtep, EntrySource::kPeer);
  mark_local_dirty(vni, vtep);
}

void TableManager::enable_replication() {
  std::lock_guard lock(mutex_);
  replicating_ = true;
  for (const auto& [vni, state] : vnis_)
    for (const auto& [addr, e] : state.entries)
      if (e.sources & ~bit(EntrySource::kPeer)) mark_local_dirty(vni, addr);
}

std::vector<LocalEntryChange> TableManager::take_local_changes() {
  std::lock_guard lock(mutex_);
  std::vector<LocalEntryChange> out;
  for (const auto& [vni, addrs] : local_dirty_)
    for (const IpAddr& addr : addrs) {
      out.push_back(describe_local(vni, addr));
      // This node's write is now the latest for the key: a peer's older value is gone.
      if (out.back().held) drop_source(vni, addr, EntrySource::kPeer);
    }
  local_dirty_.clear();
  return out;
}

std::vector<IpAddr> TableManager::members(uint32_t vni) const {
  std::lock_guard lock(mutex_);
  std::vector<IpAddr> out;
  auto it = vnis_.find(vni);
  if (it == vnis_.end()) return out;
  out.reserve(it->second.entries.size());
  for (const auto& [addr, e] : it->second.entries) out.push_back(addr);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<uint32_t> TableManager::vnis() const {
  std::lock_guard lock(mutex_);
  std::vector<uint32_t> out;
  out.reserve(vnis_.size());
  for (const auto& [vni, state] : vnis_) out.push_back(vni);
  std::sort(out.begin(), out.end());
  return out;
}

void TableManager::align_ticks_to_wall_clock(int64_t unix_ms_now) {
  std::lock_guard lock(mutex_);
  epoch_ = now_() - std::chrono::milliseconds(unix_ms_now % tick_len_.count());
}

void TableManager::advance() {
  std::lock_guard lock(mutex_);
  const TimePoint now = now_();
  if (now < epoch_) return;
  const uint64_t tick = static_cast<uint64_t>((now - epoch_) / tick_len_);
  wheel_.advance(tick, [&](uint64_t deadline, WheelKey key) { expire(deadline, key, now); });
  // Idle requesters' buckets go now and then; the sweep is over requesters, not entries.
  if (now - last_bucket_sweep_ >= std::chrono::seconds(60)) {
    rate_.forget_idle(now);
    last_bucket_sweep_ = now;
  }
}

void TableManager::expire(uint64_t tick, const WheelKey& key, TimePoint now) {
  Entry* e = find(key.vni, key.addr);
  // A stale item: the entry went, or was re-armed for an earlier deadline.
  if (e == nullptr || e->armed_tick != tick) return;
  e->armed_tick = 0;
  const QuietScope quiet(quiet_);  // every node ages the same absolute expiry: no publish
  const uint32_t vni = key.vni;
  const IpAddr addr = key.addr;
  // Registrations first: several identifiers may hold one address.
  std::vector<uint64_t> expired_ids;
  for (const Registration& r : e->registrations)
    if (r.expires <= now) expired_ids.push_back(r.identifier);
  for (uint64_t id : expired_ids) {
    ++counters_.expired;
    drop_registration(vni, addr, id);
  }
  e = find(vni, addr);
  if (e && (e->sources & bit(EntrySource::kLearned)) && e->learned_expires <= now) {
    ++counters_.expired;
    drop_source(vni, addr, EntrySource::kLearned);
    e = find(vni, addr);
  }
  if (e && (e->sources & bit(EntrySource::kPeer)) && e->peer_expires <= now) {
    ++counters_.expired;
    drop_source(vni, addr, EntrySource::kPeer);
    e = find(vni, addr);
  }
  if (e) arm(vni, addr, *e);
}

std::vector<SavedSource> TableManager::saved_sources() const {
  std::lock_guard lock(mutex_);
  std::vector<SavedSource> out;
  out.reserve(by_source_[1] + by_source_[2]);  // registered, learned (a few more with ids)
  for (const auto& [vni, state] : vnis_)
    for (const auto& [addr, e] : state.entries) {
      for (const Registration& r : e.registrations)
        out.push_back({vni, addr, EntrySource::kRegistered, r.identifier, r.expires});
      if (e.sources & bit(EntrySource::kLearned))
        out.push_back({vni, addr, EntrySource::kLearned, 0, e.learned_expires});
    }
  return out;
}

RestoreCounts TableManager::restore(const std::vector<SavedSource>& sources) {
  std::lock_guard lock(mutex_);
  const TimePoint now = now_();
  RestoreCounts n;
  address_refs_.reserve(address_refs_.size() + sources.size());
  // Registered sources first: a learned one needs its VNI to exist already.
  for (EntrySource pass : {EntrySource::kRegistered, EntrySource::kLearned}) {
    size_t run_end = 0;  // one past the last source of the current VNI
    for (size_t i = 0; i < sources.size(); ++i) {
      const SavedSource& s = sources[i];
      // The file keeps each VNI's sources together: its map grows once, not step by step.
      if (i >= run_end) {
        run_end = i + 1;
        while (run_end < sources.size() && sources[run_end].vni == s.vni) ++run_end;
        if (auto v = vnis_.find(s.vni); v != vnis_.end())
          v->second.entries.reserve(v->second.entries.size() + (run_end - i));
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
  const IpAddr vtep = normalized(s.vtep);
  if (s.vni > wire::kVniMax || !(vtep.is_v4() || vtep.is_v6()) || !allow_.allows(s.vni, vtep))
    return false;
  const bool learned = s.source == EntrySource::kLearned;
  if (learned && (!learning_.enabled(s.vni) || vnis_.find(s.vni) == vnis_.end())) return false;
  Refusal refusal;
  Entry* e = find_or_create(s.vni, vtep, now, &refusal);
  if (e == nullptr) return false;
  if (learned) {
    e->learned_expires = s.expires;
  } else {
    auto reg = std::find_if(e->registrations.begin(), e->registrations.end(),
                            [&](const Registration& r) { return r.identifier == s.identifier; });
    if (reg != e->registrations.end()) {
      reg->expires = std::max(reg->expires, s.expires);
    } else if (e->registrations.size() < kMaxRegistrationsPerEntry) {
      e->registrations.push_back({s.identifier, s.expires});
      if (s.identifier != 0) vnis_[s.vni].by_identifier.try_emplace(s.identifier, vtep);
    } else {
      remove_entry_if_unheld(s.vni, vtep);
      return false;
    }
  }
  if (!(e->sources & bit(s.source))) add_source(s.vni, vtep, *e, s.source);
  arm(s.vni, vtep, *e);
  return true;
}

std::vector<VniChange> TableManager::take_changes() {
  std::lock_guard lock(mutex_);
  std::vector<VniChange> out;
  out.reserve(dirty_.size());
  for (uint32_t vni : dirty_) out.push_back(describe(vni));
  dirty_.clear();
  if (!out.empty()) ++counters_.batches;
  std::sort(out.begin(), out.end(),
            [](const VniChange& a, const VniChange& b) { return a.vni < b.vni; });
  return out;
}

std::vector<VniChange> TableManager::snapshot() const {
  std::lock_guard lock(mutex_);
  std::vector<VniChange> out;
  out.reserve(vnis_.size());
  for (const auto& [vni, state] : vnis_) out.push_back(describe(vni));
  std::sort(out.begin(), out.end(),
            [](const VniChange& a, const VniChange& b) { return a.vni < b.vni; });
  return out;
}

std::optional<std::vector<IpAddr>> TableManager::take_address_changes() {
  std::lock_guard lock(mutex_);
  if (!addresses_changed_) return std::nullopt;
  addresses_changed_ = false;
  std::vector<IpAddr> out;
  out.reserve(address_refs_.size());
  for (const auto& [addr, refs] : address_refs_) out.push_back(addr);
  std::sort(out.begin(), out.end());
  return out;
}

void TableManager::set_change_callback(std::function<void()> callback) {
  std::lock_guard lock(mutex_);
  on_change_ = std::move(callback);
}

std::optional<EntryInfo> TableManager::entry(uint32_t vni, const IpAddr& vtep) const {
  std::lock_guard lock(mutex_);
  auto v = vnis_.find(vni);
  if (v == vnis_.end()) return std::nullopt;
  auto it = v->second.entries.find(normalized(vtep));
  if (it == v->second.entries.end()) return std::nullopt;
  const Entry& e = it->second;
  EntryInfo info;
  info.sources = e.sources;
  for (const Registration& r : e.registrations)
    info.registrations.emplace_back(r.identifier, r.expires);
  info.learned_expires = e.learned_expires;
  info.peer_expires = e.peer_expires;
  info.created = e.created;
  info.updated = e.updated;
  return info;
}

size_t TableManager::entry_count() const {
  std::lock_guard lock(mutex_);
  return entry_count_;
}

size_t TableManager::vni_count() const {
  std::lock_guard lock(mutex_);
  return vnis_.size();
}

TableCounters TableManager::counters() const {
  std::lock_guard lock(mutex_);
  return counters_;
}

EntriesBySource TableManager::entries_by_source() const {
  std::lock_guard lock(mutex_);
  return {by_source_[0], by_source_[1], by_source_[2], by_source_[3]};
}

// ---- internals (mutex_ held) ----

TableManager::Entry* TableManager::find(uint32_t vni, const IpAddr& addr) {
  auto v = vnis_.find(vni);
  if (v == vnis_.end()) return nullptr;
  auto it = v->second.entries.find(addr);
  return it == v->second.entries.end() ? nullptr : &it->second;
}

TableManager::Entry* TableManager::find_or_create(uint32_t vni, const IpAddr& addr, TimePoint now,
                                                  Refusal* refusal) {
  auto v = vnis_.find(vni);
  if (v == vnis_.end()) {
    if (vnis_.size() >= settings_.max_vnis) {
      *refusal = Refusal::kVniLimit;
      return nullptr;
    }
  } else if (auto it = v->second.entries.find(addr); it != v->second.entries.end()) {
    return &it->second;
  } else if (v->second.entries.size() >= settings_.max_members_per_vni) {
    *refusal = Refusal::kMemberLimit;
    return nullptr;
  }
  if (entry_count_ >= settings_.max_entries) {
    *refusal = Refusal::kEntryLimit;
    return nullptr;
  }
  if (v == vnis_.end()) v = vnis_.emplace(vni, VniState{}).first;
  Entry& e = v->second.entries[addr];
  e.created = e.updated = now;
  ++entry_count_;
  if (address_refs_[addr]++ == 0) addresses_changed_ = true;
  mark_dirty(vni);
  return &e;
}

void TableManager::add_source(uint32_t vni, const IpAddr& addr, Entry& e, EntrySource s) {
  if (!(e.sources & bit(s))) ++by_source_[static_cast<size_t>(std::countr_zero(bit(s)))];
  e.sources |= bit(s);
  if (s != EntrySource::kPeer) mark_local_dirty(vni, addr);
  // The learned flag is part of what the datapath sees; other sources change nothing there.
  if (s == EntrySource::kLearned) mark_dirty(vni);
}

bool TableManager::drop_source(uint32_t vni, const IpAddr& addr, EntrySource s) {
  Entry* e = find(vni, addr);
  if (e == nullptr) return false;
  if (e->sources & bit(s)) --by_source_[static_cast<size_t>(std::countr_zero(bit(s)))];
  e->sources &= static_cast<uint8_t>(~bit(s));
  if (s != EntrySource::kPeer) mark_local_dirty(vni, addr);
  if (s == EntrySource::kLearned) {
    e->learned_expires = EntryInfo::kNever;
    mark_dirty(vni);
  } else if (s == EntrySource::kPeer) {
    e->peer_expires = EntryInfo::kNever;
  } else if (s == EntrySource::kRegistered) {
    VniState& state = vnis_[vni];
    for (const Registration& r : e->registrations) {
      auto it = state.by_identifier.find(r.identifier);
      if (it != state.by_identifier.end() && it->second == addr) state.by_identifier.erase(it);
    }
    e->registrations.clear();
  }
  const bool gone = e->sources == 0;
  remove_entry_if_unheld(vni, addr);
  return gone;
}

void TableManager::drop_registration(uint32_t vni, const IpAddr& addr, uint64_t identifier) {
  Entry* e = find(vni, addr);
  if (e == nullptr) return;
  auto& regs = e->registrations;
  regs.erase(std::remove_if(regs.begin(), regs.end(),
                            [&](const Registration& r) { return r.identifier == identifier; }),
             regs.end());
  mark_local_dirty(vni, addr);  // the expiry or identifier peers know may have changed
  VniState& state = vnis_[vni];
  if (identifier != 0) {
    auto it = state.by_identifier.find(identifier);
    if (it != state.by_identifier.end() && it->second == addr) state.by_identifier.erase(it);
  }
  if (regs.empty() && (e->sources & bit(EntrySource::kRegistered)))
    drop_source(vni, addr, EntrySource::kRegistered);
}

void TableManager::remove_entry_if_unheld(uint32_t vni, const IpAddr& addr) {
  auto v = vnis_.find(vni);
  if (v == vnis_.end()) return;
  auto it = v->second.entries.find(addr);
  if (it == v->second.entries.end() || it->second.sources != 0) return;
  v->second.entries.erase(it);
  --entry_count_;
  ++counters_.entries_removed;
  auto ref = address_refs_.find(addr);
  if (ref != address_refs_.end() && --ref->second == 0) {
    address_refs_.erase(ref);
    addresses_changed_ = true;
  }
  mark_dirty(vni);
  if (v->second.entries.empty() && !v->second.configured) vnis_.erase(v);
}

TableManager::TimePoint TableManager::earliest_expiry(const Entry& e) {
  TimePoint t = EntryInfo::kNever;
  for (const Registration& r : e.registrations) t = std::min(t, r.expires);
  if (e.sources & bit(EntrySource::kLearned)) t = std::min(t, e.learned_expires);
  if (e.sources & bit(EntrySource::kPeer)) t = std::min(t, e.peer_expires);
  return t;
}

uint64_t TableManager::tick_of(TimePoint t) const {
  if (t <= epoch_) return 1;
  const auto since = t - epoch_;
  const uint64_t whole = static_cast<uint64_t>(since / tick_len_);
  return std::max<uint64_t>(1, since % tick_len_ == since.zero() ? whole : whole + 1);
}

void TableManager::arm(uint32_t vni, const IpAddr& addr, Entry& e) {
  const TimePoint due = earliest_expiry(e);
  if (due == EntryInfo::kNever) return;  // static or forever: nothing to age
  const uint64_t tick = tick_of(due);
  // An item already due no later stays: when it fires it re-arms for the real expiry, so a
  // refresh costs no wheel work.
  if (e.armed_tick != 0 && e.armed_tick <= tick) return;
  e.armed_tick = tick;
  wheel_.schedule(tick, WheelKey{vni, addr});
}

void TableManager::mark_dirty(uint32_t vni) {
  const bool first = dirty_.empty();
  dirty_.insert(vni);
  if (first && on_change_) on_change_();
}

void TableManager::mark_local_dirty(uint32_t vni, const IpAddr& addr) {
  if (!replicating_ || quiet_) return;
  const bool first = local_dirty_.empty();
  local_dirty_[vni].insert(addr);
  if (first && on_change_) on_change_();
}

TableManager::TimePoint TableManager::latest_local_expiry(const Entry& e) {
  if (e.sources & bit(EntrySource::kStatic)) return EntryInfo::kNever;
  TimePoint t{};
  for (const Registration& r : e.registrations) t = std::max(t, r.expires);
  if (e.sources & bit(EntrySource::kLearned)) t = std::max(t, e.learned_expires);
  return t;
}

LocalEntryChange TableManager::describe_local(uint32_t vni, const IpAddr& addr) {
  LocalEntryChange c;
  c.vni = vni;
  c.vtep = addr;
  const Entry* e = find(vni, addr);
  const uint8_t own = e ? static_cast<uint8_t>(e->sources & ~bit(EntrySource::kPeer)) : 0;
  if (own == 0) return c;
  c.held = true;
  c.sources = own;
  if (!e->registrations.empty()) c.identifier = e->registrations.front().identifier;
  c.expires = latest_local_expiry(*e);
  return c;
}

void TableManager::count_refusal(Refusal r, uint32_t vni, const IpAddr& addr, const char* what) {
  switch (r) {
    case Refusal::kVniLimit:
      ++counters_.refused_vni_limit;
      break;
    case Refusal::kMemberLimit:
      ++counters_.refused_member_limit;
      break;
    case Refusal::kEntryLimit:
      ++counters_.refused_entry_limit;
      break;
    case Refusal::kNotAllowed:
      ++counters_.refused_not_allowed;
      break;
    case Refusal::kRate:
      ++counters_.refused_rate;
      break;
    case Refusal::kInvalid:
      ++counters_.refused_invalid;
      break;
  }
  // One sender can cause any number of these: rate-limited per kind of refusal.
  const char* reason = refusal_name(static_cast<int>(r));
  log_limited(std::string("table: refused by the ") + reason, spdlog::level::warn,
              "table: {} refused by the {}: VNI {} VTEP {}", what, reason, vni, addr.to_string());
}

VniChange TableManager::describe(uint32_t vni) const {
  VniChange c;
  c.vni = vni;
  auto it = vnis_.find(vni);
  if (it == vnis_.end()) return c;
  c.present = true;
  c.members.reserve(it->second.entries.size());
  for (const auto& [addr, e] : it->second.entries)
    c.members.push_back({addr, (e.sources & bit(EntrySource::kLearned)) != 0});
  std::sort(c.members.begin(), c.members.end());
  return c;
}

}  // namespace vxsn
