#include "hls/learn.hpp"

#include "hls/byte_lanes.hpp"
#include "hls/learn_ring_layout.hpp"

namespace vxsn::hw {
namespace {

// The on-chip cache (registers): persists across frames, cleared by learn_reset().
struct LearnCache {
  bool valid[kLearnCacheEntries];
  uint32_t vni[kLearnCacheEntries];
  uint8_t family[kLearnCacheEntries];
  IpBits addr[kLearnCacheEntries];
  bool version_known;
  uint64_t version;
};

// One instance: the kernel's learn state.
LearnCache g_cache = {};
#pragma HLS ARRAY_PARTITION variable = g_cache.valid complete

LearnCache& cache() {
  return g_cache;
}

void forget_all(LearnCache& c) {
  for (unsigned i = 0; i < kLearnCacheEntries; ++i) {
#pragma HLS UNROLL
    c.valid[i] = false;
  }
}

unsigned cache_index(uint32_t vni, const IpBits& addr) {
  uint32_t h = vni;
  for (unsigned i = 0; i < 4; ++i) {
#pragma HLS UNROLL
    h ^= static_cast<uint32_t>(addr.range(32 * i + 31, 32 * i).to_uint64());
  }
  h *= 0x9E3779B1u;
  return h >> 26;  // 64 entries
}
static_assert(kLearnCacheEntries == 64, "cache_index yields 6 bits");

bool write_event(Word512* ring, const FrameOutcome& o) {
  const uint32_t producer = le32_at(ring[card::kLearnProducerWord], 0);
  const uint32_t consumer = le32_at(ring[card::kLearnConsumerWord], 0);
  if (producer - consumer >= card::kLearnRingEntries) return false;
  Word512 ev = 0;
  set_le32(ev, card::kEvVni, o.vni);
  set_byte(ev, card::kEvFamily, o.src_family);
  set_byte(ev, card::kEvFlags, o.learn_vni_known ? card::kEvFlagVniKnown : 0);
  ev.range(8 * card::kEvTableVersion + 63, 8 * card::kEvTableVersion) = o.table_version;
  for (unsigned i = 0; i < 16; ++i) {
#pragma HLS UNROLL
    set_byte(ev, card::kEvSourceVtep + i, ip_byte(o.src_vtep, i));
  }
  ring[card::kLearnFirstEventWord + producer % card::kLearnRingEntries] = ev;
  Word512 index = 0;
  set_le32(index, 0, producer + 1);
  ring[card::kLearnProducerWord] = index;  // after the event: the host never sees it half
  return true;
}

}  // namespace

void learn_reset() {
  LearnCache& c = cache();
  forget_all(c);
  c.version_known = false;
  c.version = 0;
}

void learn(OutcomeStream& in, OutcomeStream& out, Word512* learn_ring) {
  FrameOutcome o = in.read();
  if (o.learn) {
    LearnCache& c = cache();
    if (!c.version_known || c.version != o.table_version) {
      forget_all(c);
      c.version_known = true;
      c.version = o.table_version;
    }
    const unsigned i = cache_index(o.vni, o.src_vtep);
    if (c.valid[i] && c.vni[i] == o.vni && c.family[i] == o.src_family && c.addr[i] == o.src_vtep) {
      o.learn_suppressed = true;
    } else if (write_event(learn_ring, o)) {
      o.learn_written = true;
      c.valid[i] = true;
      c.vni[i] = o.vni;
      c.family[i] = o.src_family;
      c.addr[i] = o.src_vtep;
    } else {
      o.learn_ring_full = true;
    }
  }
  out.write(o);
}

}  // namespace vxsn::hw
