#include "host/registration/registration_quota.hpp"

namespace vxsn {
namespace {

constexpr auto kSweepInterval = std::chrono::seconds(1);

void decrement(auto& counts, const auto& key) {
  auto it = counts.find(key);
  if (it != counts.end() && --it->second == 0) counts.erase(it);  // keep the maps small
}

}  // namespace

size_t RegistrationQuota::KeyHash::operator()(const Key& k) const noexcept {
  return IpAddrHash{}(k.vtep) ^ (static_cast<size_t>(k.vni) * 0x9E3779B97F4A7C15ull) ^
         (static_cast<size_t>(k.identifier) * 0xC2B2AE3D27D4EB4Full);
}

size_t RegistrationQuota::SlotHash::operator()(const Slot& s) const noexcept {
  return (static_cast<size_t>(s.vni) * 0x9E3779B97F4A7C15ull) ^
         (static_cast<size_t>(s.identifier) * 0xC2B2AE3D27D4EB4Full);
}

RegistrationQuota::RegistrationQuota(SteadyNow now) : now_(std::move(now)) {}

uint32_t RegistrationQuota::held_by_identifier(uint64_t identifier) const {
  auto it = per_identifier_.find(identifier);
  return it == per_identifier_.end() ? 0 : it->second;
}

uint32_t RegistrationQuota::held_by_source(const IpAddr& source) const {
  auto it = per_source_.find(source);
  return it == per_source_.end() ? 0 : it->second;
}

void RegistrationQuota::sweep_if_due(TimePoint now) {
  if (now < next_sweep_) return;
  next_sweep_ = now + kSweepInterval;
  for (auto it = records_.begin(); it != records_.end();) {
    auto next = std::next(it);
    if (it->second.expires <= now) erase(it);
    it = next;
  }
}

void RegistrationQuota::erase(std::unordered_map<Key, Record, KeyHash>::iterator it) {
  const Key& key = it->first;
  if (key.identifier != 0) {
    decrement(per_identifier_, key.identifier);
    auto slot = slots_.find({key.identifier, key.vni});
    if (slot != slots_.end() && slot->second == key.vtep) slots_.erase(slot);
  }
  decrement(per_source_, it->second.source);
  records_.erase(it);
}

const RegistrationQuota::Key* RegistrationQuota::replaced_by(uint32_t vni, const IpAddr& vtep,
                                                             uint64_t identifier) const {
  if (identifier == 0) return nullptr;
  auto slot = slots_.find({identifier, vni});
  if (slot == slots_.end() || slot->second == vtep) return nullptr;
  auto it = records_.find({vni, slot->second, identifier});
  return it == records_.end() ? nullptr : &it->first;
}

QuotaVerdict RegistrationQuota::check(uint32_t vni, const IpAddr& vtep, uint64_t identifier,
                                      const IpAddr& source, const QuotaLimits& limits) {
  sweep_if_due(now_());
  auto held = records_.find({vni, vtep, identifier});
  if (held != records_.end()) {  // a refresh: the identifier's count does not grow
    if (held->second.source == source) return QuotaVerdict::kAdmit;
    return held_by_source(source) >= limits.per_source ? QuotaVerdict::kOverSource
                                                       : QuotaVerdict::kAdmit;
  }
  // A replacement frees the identifier's old address in this VNI (and its source's record).
  const Key* replaced = replaced_by(vni, vtep, identifier);
  const bool same_source = replaced && records_.at(*replaced).source == source;
  if (identifier != 0 && !replaced && held_by_identifier(identifier) >= limits.per_identifier)
    return QuotaVerdict::kOverIdentifier;
  if (!same_source && held_by_source(source) >= limits.per_source) return QuotaVerdict::kOverSource;
  if (!replaced && records_.size() >= limits.total) return QuotaVerdict::kFull;
  return QuotaVerdict::kAdmit;
}

void RegistrationQuota::commit(uint32_t vni, const IpAddr& vtep, uint64_t identifier,
                               const IpAddr& source, uint32_t holdtime_s) {
  const TimePoint expires = now_() + std::chrono::seconds(holdtime_s);
  if (const Key* replaced = replaced_by(vni, vtep, identifier)) erase(records_.find(*replaced));
  auto [it, fresh] = records_.try_emplace({vni, vtep, identifier}, Record{source, expires});
  if (!fresh) {
    if (it->second.source != source) {
      decrement(per_source_, it->second.source);
      ++per_source_[source];
    }
    it->second = {source, expires};
    return;
  }
  ++per_source_[source];
  if (identifier != 0) {
    ++per_identifier_[identifier];
    slots_[{identifier, vni}] = vtep;
  }
}

void RegistrationQuota::release(uint32_t vni, const IpAddr& vtep, uint64_t identifier) {
  auto it = records_.find({vni, vtep, identifier});
  if (it != records_.end()) erase(it);
}

}  // namespace vxsn
