// What the registration server (and later the peer replication) needs of the table: register
// or withdraw one (VNI, VTEP) and read the member lists back. Implemented by TableManager;
// kept as an interface so the protocol code can be tested against a fake store.
#pragma once

#include <cstdint>
#include <vector>

#include "driver/net_types.hpp"

namespace vxsn {

// Bit values so an entry's set of sources fits one byte.
enum class EntrySource : uint8_t { kStatic = 1, kRegistered = 2, kLearned = 4, kPeer = 8 };

enum class StoreResult {
  kOk,
  kRefusedLimit,       // max VNIs, members per VNI or total entries reached
  kRefusedNotAllowed,  // the VTEP address or the requester is outside the VNI's allow-list
  kRefusedRate,        // the requester exceeded its registration rate
};

// Holdtime values with a meaning of their own (vxfld semantics).
inline constexpr uint32_t kHoldtimeWithdraw = 0;
inline constexpr uint32_t kHoldtimeForever = 65535;

class MembershipStore {  // thread-safe
 public:
  virtual ~MembershipStore() = default;
  // Registers `vtep` in `vni` for holdtime_s seconds on behalf of `identifier` (vxrd's node
  // id). holdtime_s 0 withdraws this (vni, vtep, identifier) registration; 65535 never
  // expires. A different address registered earlier under the same non-zero identifier in
  // the same VNI is replaced (loses its registered source). `requester` is the datagram's
  // source address: it is rate-limited and must, like `vtep`, pass the allow-list.
  // A withdrawal is subject to the allow-list and the rate, never to the size limits.
  virtual StoreResult register_vtep(uint32_t vni, const IpAddr& vtep, uint64_t identifier,
                                    uint32_t holdtime_s, const IpAddr& requester) = 0;
  // All live members of `vni`, any source, sorted; empty if the VNI is unknown.
  virtual std::vector<IpAddr> members(uint32_t vni) const = 0;
  // Every VNI with at least one live member, sorted.
  virtual std::vector<uint32_t> vnis() const = 0;
};

}  // namespace vxsn
