// The state file's contents and byte layout (little-endian):
//
//   header   "VXSNSTAT", version u32, header bytes u32, saved at (Unix ms) i64,
//            payload bytes u64, payload checksum u64
//   payload  entries:   chunk count u32, then per chunk its byte count u32 and the chunk:
//                       a replication snapshot chunk (host/ha/wire_codec), one change per
//                       source: key (VNI, VTEP), sources = the one source bit (registered
//                       or learned), identifier, expiry in Unix ms (0 = never)
//            next hops: count u32, then per member address: address, via, ifindex i32,
//                       interface name, MAC (6)
//
// Expiries are absolute Unix time, so an entry ages across the restart as if the daemon
// had kept running. Anything that does not decode exactly (magic, version, lengths,
// checksum, an unknown source, trailing bytes) is refused with a reason.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "driver/net_types.hpp"
#include "host/ha/unix_expiry.hpp"
#include "host/nexthop/next_hop.hpp"
#include "host/table/table_manager.hpp"

namespace vxsn {

inline constexpr uint32_t kStateFileVersion = 1;

struct StateContents {
  int64_t saved_at_unix_ms = 0;
  std::vector<SavedSource> sources;                   // registered and learned
  std::vector<std::pair<IpAddr, NextHop>> next_hops;  // resolved members only
};

// The file's bytes. `at` converts the sources' steady expiries to Unix time.
std::string encode_state(const StateContents& state, const ClockReading& at);

struct DecodedState {
  bool ok = false;
  std::string error;  // why not, when !ok
  StateContents state;
};
// `at` converts the expiries back to this process's steady clock.
DecodedState decode_state(std::string_view bytes, const ClockReading& at);

}  // namespace vxsn
