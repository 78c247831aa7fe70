// A MembershipStore for the tests: registrations keyed by (VNI, VTEP, identifier) with an
// expiry on a clock the test moves by hand; optional member limit per VNI.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <tuple>
#include <vector>

#include "host/table/membership_store.hpp"

namespace vxsn::test {

class FakeMembershipStore : public MembershipStore {
 public:
  struct Call {
    uint32_t vni;
    IpAddr vtep;
    uint64_t identifier;
    uint32_t holdtime;
    IpAddr requester;
  };

  explicit FakeMembershipStore(size_t max_members_per_vni = SIZE_MAX)
      : max_members_(max_members_per_vni) {}

  void advance(uint64_t seconds) {
    std::lock_guard lock(mutex_);
    now_ += seconds;
  }

  StoreResult register_vtep(uint32_t vni, const IpAddr& vtep, uint64_t identifier,
                            uint32_t holdtime_s, const IpAddr& requester) override {
    std::lock_guard lock(mutex_);
    calls_.push_back({vni, vtep, identifier, holdtime_s, requester});
    auto& vni_entries = entries_[vni];
    const Key key{vtep, identifier};
    if (holdtime_s == kHoldtimeWithdraw) {
      vni_entries.erase(key);
      return StoreResult::kOk;
    }
    if (!vni_entries.contains(key) && live(vni_entries).size() >= max_members_) {
      return StoreResult::kRefusedLimit;
    }
    if (identifier != 0) {  // a new address under the same identifier replaces the old one
      std::erase_if(vni_entries, [&](const auto& e) {
        return e.first.identifier == identifier && e.first.vtep != vtep;
      });
    }
    vni_entries[key] = holdtime_s == kHoldtimeForever ? UINT64_MAX : now_ + holdtime_s;
    return StoreResult::kOk;
  }

  std::vector<IpAddr> members(uint32_t vni) const override {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(vni);
    if (it == entries_.end()) return {};
    auto s = live(it->second);
    return {s.begin(), s.end()};
  }

  std::vector<uint32_t> vnis() const override {
    std::lock_guard lock(mutex_);
    std::vector<uint32_t> out;
    for (const auto& [vni, e] : entries_) {
      if (!live(e).empty()) out.push_back(vni);
    }
    return out;
  }

  std::vector<Call> calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }

 private:
  struct Key {
    IpAddr vtep;
    uint64_t identifier;
    auto operator<=>(const Key&) const = default;
  };
  std::set<IpAddr> live(const std::map<Key, uint64_t>& e) const {
    std::set<IpAddr> out;
    for (const auto& [key, expiry] : e) {
      if (expiry > now_) out.insert(key.vtep);
    }
    return out;
  }

  mutable std::mutex mutex_;
  size_t max_members_;
  uint64_t now_ = 0;
  std::map<uint32_t, std::map<Key, uint64_t>> entries_;
  std::vector<Call> calls_;
};

}  // namespace vxsn::test
