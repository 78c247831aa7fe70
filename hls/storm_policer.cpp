#include "hls/storm_policer.hpp"

#include "hls/byte_lanes.hpp"
#include "hls/counter_layout.hpp"

namespace vxsn::hw {
namespace {

// The kernel's on-chip policer state (BRAM on the card; plain arrays in a C simulation).
TokenBucketState vni_buckets[card::kMaxVniCounterSlots];
TokenBucketState vtep_buckets[kVtepPolicerSlots];

uint32_t vtep_slot(uint8_t family, const IpBits& addr) {
  uint8_t bytes[16];
#pragma HLS ARRAY_PARTITION variable = bytes complete
  for (unsigned i = 0; i < 16; ++i) {
#pragma HLS UNROLL
    bytes[i] = ip_byte(addr, i);
  }
  return vtep_policer_slot(bytes, family == 4 ? 4 : 16);
}

}  // namespace

bool storm_admit(const StormCheck& c) {
  TokenBucketState& vtep = vtep_buckets[vtep_slot(c.src_family, c.src_vtep)];
  if (!policer_admit(vtep, c.vtep_rate, c.burst_ns, c.now_ns, c.frame_bytes)) return false;
  if (c.counter_slot >= card::kMaxVniCounterSlots) return true;  // no slot: no VNI bucket
  return policer_admit(vni_buckets[c.counter_slot], c.vni_rate, c.burst_ns, c.now_ns,
                       c.frame_bytes);
}

void storm_reset() {
  // On the card: kMaxVniCounterSlots + kVtepPolicerSlots cycles at II=1, only at reset.
reset_vni:
  for (unsigned i = 0; i < card::kMaxVniCounterSlots; ++i) {
#pragma HLS PIPELINE II = 1
    vni_buckets[i] = TokenBucketState{};
  }
reset_vtep:
  for (unsigned i = 0; i < kVtepPolicerSlots; ++i) {
#pragma HLS PIPELINE II = 1
    vtep_buckets[i] = TokenBucketState{};
  }
}

}  // namespace vxsn::hw
