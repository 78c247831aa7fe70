// Who may flood into a VNI, and how much: the per-VNI policy the datapath applies before
// replication (source check, then the source VTEP's policer, then the VNI's).
#pragma once

#include <cstdint>

#include "hls/token_bucket.hpp"

namespace vxsn {

// The trust model of a VNI's floods (see README, "Tenant isolation"):
//   kStrict  only members (static, registered, learned, peer) flood; anyone else's frames are
//            dropped (source_not_member) and never learned.
//   kLearn   as strict, but a non-member's frame is also a learn event: the control plane
//            adds it if learning and the allow-list admit it, and from then on its floods
//            are replicated. The frames before that are dropped, never replicated on trust.
//   kOpen    anyone reaching the service address floods to the members (and is learned if
//            allowed): the behaviour of a plain service node, for fabrics whose underlay
//            already filters who can reach it.
enum class SourceCheck : uint8_t { kStrict = 0, kLearn = 1, kOpen = 2 };

inline constexpr const char* source_check_name(SourceCheck s) {
  switch (s) {
    case SourceCheck::kStrict:
      return "strict";
    case SourceCheck::kLearn:
      return "learn";
    case SourceCheck::kOpen:
      return "open";
  }
  return "invalid";
}

// A table built without a policy replicates from anyone, unpoliced (the datapath's neutral
// default, what its unit tests and benches use); the daemon always sets one from the config,
// whose default is kLearn.
struct VniPolicy {
  SourceCheck source_check = SourceCheck::kOpen;
  PolicerRate storm;  // the VNI's floods, all senders together; no limit by default
  bool operator==(const VniPolicy&) const = default;
};

// Node-wide storm control settings the datapath needs beside the per-VNI policies.
struct StormParams {
  PolicerRate per_vtep;           // each source VTEP's floods, all VNIs together
  uint64_t burst_ns = 100000000;  // bucket depth of every policer, in time at its rate
  bool operator==(const StormParams&) const = default;
};

}  // namespace vxsn
