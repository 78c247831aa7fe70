#include "host/table/table_admission.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <string>

#include "hls/vxlan_wire.hpp"
#include "host/log/log_rate_limiter.hpp"

namespace vxsn {
namespace {

// The refusals a sender can cause at will, by name, for the log; the others are counted only.
const char* logged_reason(TableRefusal r) {
  switch (r) {
    case TableRefusal::kVniLimit:
      return "VNI limit";
    case TableRefusal::kMemberLimit:
      return "members-per-VNI limit";
    case TableRefusal::kEntryLimit:
      return "entry limit";
    case TableRefusal::kNotAllowed:
      return "allow-list";
    case TableRefusal::kRate:
      return "registration rate";
    case TableRefusal::kInvalid:
      return "invalid VNI or address";
    default:
      return nullptr;
  }
}

bool valid_key(uint32_t vni, const IpAddr& vtep) {
  return vni <= wire::kVniMax && (vtep.is_v4() || vtep.is_v6());
}

}  // namespace

void TableAdmission::set_policy(const Config& config) {
  settings_ = config.table;
  allow_ = AllowList::from_config(config);
  learning_ = LearningPolicy::from_config(config);
  rate_.set_limits(settings_.registration_rate, settings_.registration_burst);
}

std::optional<TableRefusal> TableAdmission::admit_registration(uint32_t vni, const IpAddr& vtep,
                                                               const IpAddr& requester,
                                                               TableTimePoint now) {
  if (!admit_key(vni, vtep, "registration")) return TableRefusal::kInvalid;
  const IpAddr from = normalized_address(requester);
  if (!allow_.allows(vni, vtep) || !allow_.allows(vni, from)) {
    count(TableRefusal::kNotAllowed, vni, vtep, "registration");
    return TableRefusal::kNotAllowed;
  }
  if (!rate_.allow(from, now)) {
    count(TableRefusal::kRate, vni, requester, "registration");
    return TableRefusal::kRate;
  }
  return std::nullopt;
}

std::optional<TableRefusal> TableAdmission::admit_learn(const TableEntryStore& store, uint32_t vni,
                                                        const IpAddr& vtep) {
  if (!admit_key(vni, vtep, "learn event")) return TableRefusal::kInvalid;
  std::optional<TableRefusal> refusal;
  if (!learning_.enabled(vni)) refusal = TableRefusal::kLearningOff;
  // Learning adds members to VNIs that exist (configured, registered, from a peer); it never
  // creates one: a flood for a VNI nobody set up is an unknown VNI, whoever sends it.
  else if (store.find_vni(vni) == nullptr)
    refusal = TableRefusal::kUnknownVni;
  else if (!allow_.allows(vni, vtep))
    refusal = TableRefusal::kNotAllowed;
  if (refusal) count(*refusal, vni, vtep, "learn event");
  return refusal;
}

std::optional<TableRefusal> TableAdmission::admit_static_vni(const TableEntryStore& store,
                                                             uint32_t vni) {
  std::optional<TableRefusal> refusal;
  if (vni > wire::kVniMax)
    refusal = TableRefusal::kInvalid;
  else if (store.find_vni(vni) == nullptr && store.vni_count() >= settings_.max_vnis)
    refusal = TableRefusal::kVniLimit;
  if (refusal) count(*refusal, vni, IpAddr{}, "static VNI");
  return refusal;
}

bool TableAdmission::admit_key(uint32_t vni, const IpAddr& vtep, const char* what) {
  if (valid_key(vni, vtep)) return true;
  count(TableRefusal::kInvalid, vni, vtep, what);
  return false;
}

bool TableAdmission::admit_member(uint32_t vni, const IpAddr& vtep, const char* what) {
  if (allow_.allows(vni, vtep)) return true;
  count(TableRefusal::kNotAllowed, vni, vtep, what);
  return false;
}

bool TableAdmission::admit_registration_on(const StoredEntry& e, uint64_t identifier) {
  if (registration_fits(e, identifier)) return true;
  ++refusals_[static_cast<size_t>(TableRefusal::kRegistrationsPerEntry)];
  return false;
}

std::optional<TableRefusal> TableAdmission::room_for_entry(const TableEntryStore& store,
                                                           const VniEntries* v) const {
  if (v == nullptr && store.vni_count() >= settings_.max_vnis) return TableRefusal::kVniLimit;
  if (v != nullptr && v->entries.size() >= settings_.max_members_per_vni)
    return TableRefusal::kMemberLimit;
  if (store.entry_count() >= settings_.max_entries) return TableRefusal::kEntryLimit;
  return std::nullopt;
}

bool TableAdmission::registration_fits(const StoredEntry& e, uint64_t identifier) const {
  // Identifiers cost a sender nothing: one entry keeps a bounded number of them.
  return e.registrations.size() < kMaxRegistrationsPerEntry ||
         std::any_of(e.registrations.begin(), e.registrations.end(),
                     [&](const EntryRegistration& r) { return r.identifier == identifier; });
}

bool TableAdmission::accepts_saved(uint32_t vni, const IpAddr& vtep, bool learned,
                                   bool vni_in_table) const {
  if (!valid_key(vni, vtep) || !allow_.allows(vni, vtep)) return false;
  return !learned || (learning_.enabled(vni) && vni_in_table);
}

void TableAdmission::count(TableRefusal r, uint32_t vni, const IpAddr& addr, const char* what) {
  ++refusals_[static_cast<size_t>(r)];
  // One sender can cause any number of these: rate-limited per kind of refusal.
  const char* reason = logged_reason(r);
  if (reason == nullptr) return;
  log_limited(std::string("table: refused by the ") + reason, spdlog::level::warn,
              "table: {} refused by the {}: VNI {} VTEP {}", what, reason, vni, addr.to_string());
}

void TableAdmission::forget_idle_requesters(TableTimePoint now) {
  if (now - last_bucket_sweep_ < std::chrono::seconds(60)) return;
  rate_.forget_idle(now);
  last_bucket_sweep_ = now;
}

}  // namespace vxsn
