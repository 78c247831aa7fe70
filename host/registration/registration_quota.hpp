// How many registrations one identifier (a vxrd's node id) and one source address may hold at
// once, and how many the server keeps track of in all: one sender, spoofing or not, cannot
// fill the table on its own. Mirrors what the store keeps of registrations, (VNI, VTEP,
// identifier) until an expiry: a withdrawal or the expiry releases one, and a new address
// under the same non-zero identifier in a VNI replaces the old one (as the store does).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <unordered_map>

#include "driver/net_types.hpp"
#include "host/registration/source_rate_limiter.hpp"

namespace vxsn {

struct QuotaLimits {
  uint32_t per_identifier = 4096;  // identifier 0 (none: vxrd before v3) is not bounded here
  uint32_t per_source = 4096;
  size_t total = size_t{1} << 20;
};

enum class QuotaVerdict { kAdmit, kOverIdentifier, kOverSource, kFull };

class RegistrationQuota {  // not thread-safe: the registration handler's thread only
 public:
  explicit RegistrationQuota(SteadyNow now);

  // May `source` register `vtep` in `vni` under `identifier`? Nothing changes yet: the store
  // decides next, and only what it takes is committed.
  QuotaVerdict check(uint32_t vni, const IpAddr& vtep, uint64_t identifier, const IpAddr& source,
                     const QuotaLimits& limits);
  // The store took the registration for `holdtime_s` seconds (never 0 or "forever": the
  // handler clamps holdtimes first).
  void commit(uint32_t vni, const IpAddr& vtep, uint64_t identifier, const IpAddr& source,
              uint32_t holdtime_s);
  // The store took a withdrawal.
  void release(uint32_t vni, const IpAddr& vtep, uint64_t identifier);

  size_t tracked() const { return records_.size(); }
  uint32_t held_by_identifier(uint64_t identifier) const;
  uint32_t held_by_source(const IpAddr& source) const;

 private:
  using TimePoint = std::chrono::steady_clock::time_point;
  struct Key {
    uint32_t vni;
    IpAddr vtep;
    uint64_t identifier;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    size_t operator()(const Key& k) const noexcept;
  };
  struct Record {
    IpAddr source;
    TimePoint expires;
  };
  // (identifier, VNI): the address the identifier holds there, for replacements.
  struct Slot {
    uint64_t identifier;
    uint32_t vni;
    bool operator==(const Slot&) const = default;
  };
  struct SlotHash {
    size_t operator()(const Slot& s) const noexcept;
  };

  // Expired records are forgotten at most once a second: a sweep is linear in what is held.
  void sweep_if_due(TimePoint now);
  void erase(std::unordered_map<Key, Record, KeyHash>::iterator it);
  // The record a registration of (vni, vtep, identifier) would replace, if any.
  const Key* replaced_by(uint32_t vni, const IpAddr& vtep, uint64_t identifier) const;

  SteadyNow now_;
  TimePoint next_sweep_{};
  std::unordered_map<Key, Record, KeyHash> records_;
  std::unordered_map<Slot, IpAddr, SlotHash> slots_;
  std::unordered_map<uint64_t, uint32_t> per_identifier_;
  std::unordered_map<IpAddr, uint32_t, IpAddrHash> per_source_;
};

}  // namespace vxsn
