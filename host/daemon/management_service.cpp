#include "host/daemon/management_service.hpp"

#include <algorithm>
#include <set>

#include "host/api/config_toml.hpp"
#include "host/config/static_members.hpp"

namespace vxsn {
namespace {

using Clock = std::chrono::steady_clock;

constexpr uint8_t bit(EntrySource s) {
  return static_cast<uint8_t>(s);
}

ManagementError not_found_vni(uint32_t vni) {
  return ManagementError(ManagementErrorCode::kNotFound, "vni",
                         "VNI " + std::to_string(vni) + " is not in the table");
}

uint64_t seconds_until(Clock::time_point t, Clock::time_point now) {
  return t <= now ? 0
                  : static_cast<uint64_t>(std::chrono::ceil<std::chrono::seconds>(t - now).count());
}

}  // namespace

ManagementService::ManagementService(DaemonControl& daemon, ControlQueue& queue)
    : daemon_(daemon), queue_(queue) {}

bool ManagementService::vni_known(uint32_t vni) const {
  const auto vnis = daemon_.table().vnis();
  return std::binary_search(vnis.begin(), vnis.end(), vni);
}

MemberInfo ManagementService::member_info(uint32_t vni, const IpAddr& address) const {
  MemberInfo m;
  m.address = address;
  auto e = daemon_.table().entry(vni, address);
  if (!e) return m;
  const auto now = Clock::now();
  m.sources = e->sources;
  m.age_s = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::seconds>(now - e->updated).count());
  // Static entries never expire; otherwise the entry lives until its last source expires.
  if (!e->has(EntrySource::kStatic)) {
    Clock::time_point last = Clock::time_point::min();
    for (const auto& [id, expires] : e->registrations) last = std::max(last, expires);
    if (e->has(EntrySource::kLearned)) last = std::max(last, e->learned_expires);
    if (e->has(EntrySource::kPeer)) last = std::max(last, e->peer_expires);
    if (last != Clock::time_point::min() && last != EntryInfo::kNever)
      m.expires_in_s = seconds_until(last, now);
  }
  return m;
}

void ManagementService::refuse_service_address(const IpAddr& address) const {
  for (const IpAddr& a : daemon_.running_config().service_addresses)
    if (a == address)
      throw ManagementError(
          ManagementErrorCode::kNotPermitted, "address",
          address.to_string() + " is a service address of this node: copies would loop");
}

void ManagementService::check_capacity(uint64_t new_entries, bool new_vni, uint64_t vni_members) {
  const TableManager& t = daemon_.table();
  const TableSettings& s = t.settings();
  auto refuse = [](const char* limit, uint64_t capacity, uint64_t requested) {
    throw ManagementError(ManagementErrorCode::kCapacityExceeded, limit,
                          std::string("the table would exceed ") + limit + " (" +
                              std::to_string(capacity) + "); nothing was changed",
                          capacity, requested);
  };
  if (new_vni && t.vni_count() + 1 > s.max_vnis) refuse("max_vnis", s.max_vnis, t.vni_count() + 1);
  if (vni_members > s.max_members_per_vni)
    refuse("max_members_per_vni", s.max_members_per_vni, vni_members);
  if (t.entry_count() + new_entries > s.max_entries)
    refuse("max_entries", s.max_entries, t.entry_count() + new_entries);
  // The card holds a fixed number of VNIs and members: a table it would refuse is refused
  // here, before the table manager changes.
  NodeStatus status = daemon_.node_status();
  if (status.card) {
    const CardInfo& card = *status.card;
    if (new_vni && card.vni_capacity && t.vni_count() + 1 > card.vni_capacity)
      refuse("card_vnis", card.vni_capacity, t.vni_count() + 1);
    if (card.member_capacity && t.entry_count() + new_entries > card.member_capacity)
      refuse("card_members", card.member_capacity, t.entry_count() + new_entries);
  }
}

std::vector<StaticVni> ManagementService::with_static(uint32_t vni,
                                                      std::vector<IpAddr> members) const {
  std::vector<StaticVni> vnis = daemon_.running_config().vnis;
  auto it =
      std::find_if(vnis.begin(), vnis.end(), [&](const StaticVni& v) { return v.vni == vni; });
  if (it == vnis.end()) {
    vnis.push_back(StaticVni{vni, std::move(members)});
  } else {
    it->members = std::move(members);
  }
  drop_emptied_vnis(vnis, daemon_.config_file_vnis());
  return vnis;
}

void ManagementService::check_config(const std::vector<StaticVni>& vnis, const std::string& field) {
  Config candidate = daemon_.running_config();
  candidate.vnis = vnis;
  try {
    validate_config(candidate, "api");
  } catch (const ConfigError& e) {
    throw ManagementError(ManagementErrorCode::kInvalidArgument, field, e.what());
  }
}

NodeStatus ManagementService::node_status() {
  return queue_.call([&] { return daemon_.node_status(); });
}

VniPageResult ManagementService::list_vnis(uint32_t after_vni, uint32_t limit) {
  return queue_.call([&] {
    const TableManager& t = daemon_.table();
    const auto vnis = t.vnis();
    VniPageResult page;
    page.total = vnis.size();
    for (auto it = std::upper_bound(vnis.begin(), vnis.end(), after_vni); it != vnis.end(); ++it) {
      if (page.vnis.size() == limit) {
        page.more = true;
        break;
      }
      VniInfo v;
      v.vni = *it;
      for (const IpAddr& a : t.members(*it)) {
        auto e = t.entry(*it, a);
        if (!e) continue;
        ++v.members;
        v.static_members += e->has(EntrySource::kStatic);
        v.registered += e->has(EntrySource::kRegistered);
        v.learned += e->has(EntrySource::kLearned);
        v.peer += e->has(EntrySource::kPeer);
      }
      page.vnis.push_back(v);
    }
    return page;
  });
}

std::vector<MemberInfo> ManagementService::list_members(uint32_t vni) {
  return queue_.call([&] {
    if (!vni_known(vni)) throw not_found_vni(vni);
    std::vector<MemberInfo> out;
    for (const IpAddr& a : daemon_.table().members(vni)) out.push_back(member_info(vni, a));
    return out;
  });
}

MemberInfo ManagementService::add_member(uint32_t vni, const IpAddr& address) {
  return add_members(vni, {address}).front();
}

std::vector<MemberInfo> ManagementService::add_members(uint32_t vni,
                                                       const std::vector<IpAddr>& addresses) {
  return queue_.call([&] {
    for (const IpAddr& a : addresses) refuse_service_address(a);
    TableManager& t = daemon_.table();
    std::vector<IpAddr> fresh;  // not static yet
    uint64_t new_entries = 0;
    for (const IpAddr& a : addresses) {
      auto existing = t.entry(vni, a);
      if (existing && existing->has(EntrySource::kStatic)) continue;
      fresh.push_back(a);
      if (!existing) ++new_entries;
    }
    if (!fresh.empty()) {
      if (new_entries)
        check_capacity(new_entries, !vni_known(vni), t.member_count(vni) + new_entries);
      std::vector<IpAddr> members;
      for (const StaticVni& v : daemon_.running_config().vnis)
        if (v.vni == vni) members = v.members;
      for (const IpAddr& a : fresh)
        if (std::find(members.begin(), members.end(), a) == members.end()) members.push_back(a);
      std::vector<StaticVni> vnis = with_static(vni, std::move(members));
      check_config(vnis, addresses.size() == 1 ? "address" : "addresses");
      daemon_.running_config().vnis = std::move(vnis);
      daemon_.static_members_changed(vni, fresh, {});  // one new table for the whole list
      for (const IpAddr& a : fresh) {
        auto added = t.entry(vni, a);
        if (!added || !added->has(EntrySource::kStatic))
          throw ManagementError(ManagementErrorCode::kCapacityExceeded, "table",
                                "the table refused " + a.to_string() + " (see vxsnd's log)");
      }
    }
    std::vector<MemberInfo> out;
    out.reserve(addresses.size());
    for (const IpAddr& a : addresses) out.push_back(member_info(vni, a));
    return out;
  });
}

void ManagementService::remove_member(uint32_t vni, const IpAddr& address) {
  queue_.call([&] {
    TableManager& t = daemon_.table();
    auto e = t.entry(vni, address);
    if (!e)
      throw ManagementError(ManagementErrorCode::kNotFound, "member",
                            address.to_string() + " is not a member of VNI " + std::to_string(vni));
    // Refused before anything changes: traffic would bring it straight back.
    if (e->has(EntrySource::kLearned))
      throw ManagementError(ManagementErrorCode::kNotPermitted, "member",
                            address.to_string() + " in VNI " + std::to_string(vni) +
                                " is learned from traffic; use flush-learned (it comes back if "
                                "the VTEP keeps sending)");
    // A peer's entry is removed cluster-wide (a deletion replicated from here): how an
    // entry of a node that is gone for good leaves. A live peer that still holds it says so
    // again and it comes back.
    if (e->has(EntrySource::kPeer)) t.remove_peer_entry(vni, address);
    for (const auto& [identifier, expires] : e->registrations) {
      // A withdrawal on the VTEP's behalf (holdtime 0), as the VTEP itself would send.
      StoreResult r = t.register_vtep(vni, address, identifier, kHoldtimeWithdraw, address);
      if (r != StoreResult::kOk)
        throw ManagementError(
            ManagementErrorCode::kNotPermitted, "member",
            "the table refused to withdraw the registration of " + address.to_string());
    }
    if (e->has(EntrySource::kStatic)) {
      std::vector<IpAddr> members;
      for (const StaticVni& v : daemon_.running_config().vnis)
        if (v.vni == vni)
          for (const IpAddr& m : v.members)
            if (m != address) members.push_back(m);
      daemon_.running_config().vnis = with_static(vni, std::move(members));
      daemon_.static_members_changed(vni, {}, {address});
    } else {
      daemon_.table_changed();
    }
  });
}

uint32_t ManagementService::flush_learned(uint32_t vni) {
  return queue_.call([&] {
    TableManager& t = daemon_.table();
    if (!vni_known(vni)) throw not_found_vni(vni);
    uint32_t learned = 0;
    for (const IpAddr& a : t.members(vni))
      if (auto e = t.entry(vni, a); e && e->has(EntrySource::kLearned)) ++learned;
    if (learned == 0) return learned;
    // The table drops learned sources wherever the learning policy turns learning off:
    // switch it off for this VNI alone, then restore the running policy. Both happen on this
    // thread, so no learn event lands in between.
    Config flush = daemon_.running_config();
    flush.learning.push_back(LearningRule{VniRange{vni, vni}, false});
    t.reconfigure(flush);
    t.reconfigure(daemon_.running_config());
    daemon_.table_changed();
    return learned;
  });
}

void ManagementService::set_storm_control(const StormRule& rule) {
  queue_.call([&] {
    Config& c = daemon_.running_config();
    if (auto problem = storm_rate_problem(rule.rate, c.storm.burst_ms))
      throw ManagementError(ManagementErrorCode::kInvalidArgument, problem->field,
                            problem->message);
    c.storm.rules.push_back(rule);
    daemon_.flood_policy_changed();
    return 0;
  });
}

ReplaceOutcome ManagementService::replace_static_members(uint32_t vni,
                                                         const std::vector<IpAddr>& addresses) {
  return queue_.call([&] {
    for (const IpAddr& a : addresses) refuse_service_address(a);
    TableManager& t = daemon_.table();
    std::set<IpAddr> wanted(addresses.begin(), addresses.end());
    std::set<IpAddr> old_static;
    uint64_t vni_after = 0, dropped = 0, created = 0;
    for (const IpAddr& a : t.members(vni)) {
      auto e = t.entry(vni, a);
      if (!e) continue;
      if (e->has(EntrySource::kStatic)) old_static.insert(a);
      const bool only_static = e->sources == bit(EntrySource::kStatic);
      if (only_static && !wanted.count(a))
        ++dropped;
      else
        ++vni_after;
    }
    for (const IpAddr& a : wanted)
      if (!t.entry(vni, a)) {
        ++created;
        ++vni_after;
      }
    const bool new_vni = !vni_known(vni) && !wanted.empty();
    check_capacity(created > dropped ? created - dropped : 0, new_vni, vni_after);

    std::vector<StaticVni> vnis = with_static(vni, addresses);
    check_config(vnis, "addresses");
    ReplaceOutcome r;
    for (const IpAddr& a : wanted) (old_static.count(a) ? r.kept : r.added)++;
    for (const IpAddr& a : old_static) r.removed += !wanted.count(a);
    daemon_.running_config().vnis = std::move(vnis);
    daemon_.static_members_changed(vni);
    return r;
  });
}

CountersInfo ManagementService::counters() {
  return queue_.call([&] { return daemon_.counters(); });
}

std::vector<PeerInfo> ManagementService::peers() {
  return queue_.call([&] { return daemon_.peers(); });
}

ConfigText ManagementService::running_config() {
  return queue_.call([&] {
    return ConfigText{daemon_.config_file(), render_config_toml(daemon_.running_config())};
  });
}

ReloadOutcome ManagementService::reload_config() {
  return queue_.call([&] {
    ReloadOutcome out;
    try {
      out.restart_required = daemon_.reload_config_file();
    } catch (const ConfigError& e) {
      throw ManagementError(ManagementErrorCode::kInvalidArgument,
                            e.key().empty() ? "config" : e.key(), e.what());
    }
    out.table_generation = daemon_.node_status().table_generation;
    return out;
  });
}

}  // namespace vxsn
