// Storm control: a two-rate token-bucket policer (frames/s and bytes/s) in plain integer
// arithmetic, so the card's kernels and the reference datapath police byte for byte alike.
//
// Credit is kept in token-nanoseconds (1 token = 1e9 credit): a bucket refills by
// elapsed_ns * rate and a frame costs 1e9 per frame and 1e9 per byte. Both buckets hold
// `burst_ns` worth of their rate (the config refuses a depth below one frame, resp. one
// largest frame's bytes, so every frame can conform after a silence). A frame conforms only
// if both buckets cover it; only a conforming frame takes tokens (a policed frame costs
// nothing, so a storm above the rate still gets exactly the rate through).
//
// Ranges (checked by the config): rates up to kMaxPolicerRate per second, burst up to 1 s:
// elapsed (capped at burst) * rate stays below 2^64. A rate of 0 means "no limit".
// HLS: no loops; on the card the update is one read-modify-write of a bucket per frame
// (two 64-bit multiply-adds), II=1 with the state in BRAM and a forwarding register.
#pragma once

#include <cstdint>

#include "hls/vxlan_wire.hpp"

namespace vxsn {

inline constexpr uint64_t kNsPerSecond = 1000000000ull;
// 16e9 bytes/s (128 Gb/s) * 1e9 ns = 1.6e19 < 2^64.
inline constexpr uint64_t kMaxPolicerRate = 16000000000ull;
inline constexpr uint64_t kMaxPolicerBurstNs = kNsPerSecond;

// The smallest rate whose bucket of `burst_ns` holds one frame (frames) or one largest
// frame (bytes): what the config accepts.
inline constexpr uint64_t min_policer_rate(uint64_t burst_ns, uint64_t largest_cost) {
  return (largest_cost * kNsPerSecond + burst_ns - 1) / burst_ns;
}

// The configured limits of one policer; 0 = that dimension is not limited.
struct PolicerRate {
  uint64_t frames_per_s = 0;
  uint64_t bytes_per_s = 0;
  bool limits() const { return frames_per_s != 0 || bytes_per_s != 0; }
  bool operator==(const PolicerRate&) const = default;
};

// Mutable state of one policer (owned by exactly one datapath thread, or one card slot).
struct TokenBucketState {
  uint64_t frame_credit = 0;
  uint64_t byte_credit = 0;
  uint64_t last_ns = 0;
  bool primed = false;  // false: never used, starts full
};

namespace detail {

inline uint64_t refilled(uint64_t credit, uint64_t rate, uint64_t elapsed_ns, uint64_t depth) {
  const uint64_t room = depth > credit ? depth - credit : 0;
  const uint64_t gain = rate * elapsed_ns;
  return gain >= room ? depth : credit + gain;
}

}  // namespace detail

// True if a frame of `bytes` conforms at `now_ns` (and then its tokens are taken). now_ns
// is any monotonic nanosecond clock; a clock that goes back refills nothing.
inline bool policer_admit(TokenBucketState& s, const PolicerRate& rate, uint64_t burst_ns,
                          uint64_t now_ns, uint32_t bytes) {
  if (!rate.limits()) return true;
  const uint64_t frame_depth = rate.frames_per_s * burst_ns;
  const uint64_t byte_depth = rate.bytes_per_s * burst_ns;
  if (!s.primed) {
    s.frame_credit = frame_depth;
    s.byte_credit = byte_depth;
    s.last_ns = now_ns;
    s.primed = true;
  }
  uint64_t elapsed = now_ns > s.last_ns ? now_ns - s.last_ns : 0;
  if (elapsed > burst_ns) elapsed = burst_ns;  // a full bucket is all it can get
  s.last_ns = now_ns > s.last_ns ? now_ns : s.last_ns;
  s.frame_credit = detail::refilled(s.frame_credit, rate.frames_per_s, elapsed, frame_depth);
  s.byte_credit = detail::refilled(s.byte_credit, rate.bytes_per_s, elapsed, byte_depth);
  const uint64_t frame_cost = rate.frames_per_s != 0 ? kNsPerSecond : 0;
  const uint64_t byte_cost = rate.bytes_per_s != 0 ? uint64_t{bytes} * kNsPerSecond : 0;
  if (s.frame_credit < frame_cost || s.byte_credit < byte_cost) return false;
  s.frame_credit -= frame_cost;
  s.byte_credit -= byte_cost;
  return true;
}

// Source VTEPs are policed in a fixed table of buckets indexed by a hash of the address
// (the card keeps it on chip; the reference uses the same size and hash, so both police
// the same frames). Two VTEPs whose addresses share a bucket share its rate: with 4096
// buckets and a few hundred VTEPs that is rare, and it only ever polices harder.
inline constexpr unsigned kVtepPolicerSlots = 4096;

// Address bytes in network order, 4 (IPv4) or 16 (IPv6). Fibonacci-style multiply-xor.
inline uint32_t vtep_policer_slot(const uint8_t* addr, unsigned len) {
  uint32_t h = 0x811C9DC5u;
  // Constant bound: HLS unrolls it into a 16-stage xor-multiply chain (no pragma here, the
  // host includes this header too and builds with -Wunknown-pragmas).
  for (unsigned i = 0; i < 16; ++i) {
    if (i < len) h = (h ^ addr[i]) * 0x01000193u;  // FNV-1a
  }
  return (h ^ (h >> 16)) & (kVtepPolicerSlots - 1);
}

}  // namespace vxsn
