// Whether the table may take an entry, a registration or a learn event: the size limits
// ([table] max_vnis, max_members_per_vni, max_entries), the allow-list, the learning
// rules, the registration rate per requester and the registrations one entry keeps. Every
// refusal is counted by its reason (and logged, rate-limited, where a sender can cause it).
// Kept apart from the entries so the policy is read in one place and tested without a
// table; it reads the store but never changes it.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "driver/net_types.hpp"
#include "host/config/config.hpp"
#include "host/table/allow_list.hpp"
#include "host/table/rate_limiter.hpp"
#include "host/table/table_entry_store.hpp"

namespace vxsn {

enum class TableRefusal : uint8_t {
  kVniLimit,
  kMemberLimit,
  kEntryLimit,
  kNotAllowed,             // allow-list (the VTEP or the requester)
  kRate,                   // the requester's registration rate
  kInvalid,                // VNI above 24 bits, address without a family
  kRegistrationsPerEntry,  // kMaxRegistrationsPerEntry identifiers held already
  kLearningOff,            // a learn event for a VNI with learning off
  kUnknownVni,             // a learn event for a VNI not in the table
  kCount,
};

class TableAdmission {
 public:
  // Registrations (distinct identifiers) one (VNI, VTEP) entry keeps; a VTEP re-registers
  // under one identifier, so more is someone making up identifiers.
  static constexpr size_t kMaxRegistrationsPerEntry = 16;

  // `now`: when the requesters' rate buckets were last swept (the table's start).
  explicit TableAdmission(TableTimePoint now) : last_bucket_sweep_(now) {}

  // Limits, allow-list, learning rules and rates from `config`.
  void set_policy(const Config& config);
  const TableSettings& settings() const { return settings_; }

  // The decisions of the table's entry points, in the order they are made there. Each
  // counts what it refuses; `what` names the entry point in the log.
  // A registration or withdrawal: a valid key, the VTEP and the requester allowed, the
  // requester within its rate (a token is taken).
  std::optional<TableRefusal> admit_registration(uint32_t vni, const IpAddr& vtep,
                                                 const IpAddr& requester, TableTimePoint now);
  // A learn event: a valid key, learning on, the VNI in the table, the VTEP allowed.
  std::optional<TableRefusal> admit_learn(const TableEntryStore& store, uint32_t vni,
                                          const IpAddr& vtep);
  // A configured VNI: valid, and within max_vnis if it is new.
  std::optional<TableRefusal> admit_static_vni(const TableEntryStore& store, uint32_t vni);
  // A valid key: VNI within 24 bits, an address with a family.
  bool admit_key(uint32_t vni, const IpAddr& vtep, const char* what);
  // The allow-list alone.
  bool admit_member(uint32_t vni, const IpAddr& vtep, const char* what);
  // One more registration on `e` under `identifier` (a known identifier always fits).
  bool admit_registration_on(const StoredEntry& e, uint64_t identifier);

  // The same decisions without counting (reload, restore).
  // Room for a new entry in `vni` (`v`: that VNI if it exists, else nullptr): the size
  // limits, the first one reached.
  std::optional<TableRefusal> room_for_entry(const TableEntryStore& store,
                                             const VniEntries* v) const;
  bool allows(uint32_t vni, const IpAddr& vtep) const { return allow_.allows(vni, vtep); }
  bool learning_enabled(uint32_t vni) const { return learning_.enabled(vni); }
  bool registration_fits(const StoredEntry& e, uint64_t identifier) const;
  // A source from the state file, as a new one of its kind would be judged.
  bool accepts_saved(const TableEntryStore& store, uint32_t vni, const IpAddr& vtep,
                     bool learned) const {
    return accepts_saved(vni, vtep, learned, store.find_vni(vni) != nullptr);
  }
  // The same without a store: `vni_in_table` says whether the VNI is there already (a
  // learned source never creates one). The warm table at start judges by this.
  bool accepts_saved(uint32_t vni, const IpAddr& vtep, bool learned, bool vni_in_table) const;

  // Counts `r` (logged, rate-limited, if a sender can cause it).
  void count(TableRefusal r, uint32_t vni, const IpAddr& addr, const char* what);
  uint64_t refusals(TableRefusal r) const { return refusals_[static_cast<size_t>(r)]; }

  // Forgets idle requesters' rate buckets now and then (the sweep is over requesters, not
  // entries). Call from ageing.
  void forget_idle_requesters(TableTimePoint now);

 private:
  TableSettings settings_;
  AllowList allow_;
  LearningPolicy learning_;
  PerSourceRateLimiter rate_{1, 1};
  TableTimePoint last_bucket_sweep_;
  std::array<uint64_t, static_cast<size_t>(TableRefusal::kCount)> refusals_{};
};

}  // namespace vxsn
