#include "host/table/learn_filter.hpp"

#include <algorithm>
#include <bit>

#include "host/datapath/address_equal.hpp"

namespace vxsn {
namespace {

size_t slot_hash(uint32_t vni, const IpAddr& a) {
  uint64_t h = vni * 0x9E3779B97F4A7C15ull;
  for (unsigned i = 0; i < a.size(); ++i) h = (h ^ a.bytes[i]) * 0x100000001B3ull;
  return static_cast<size_t>(h ^ (h >> 29));
}

}  // namespace

LearnFilter::LearnFilter(const LearnFilterParams& params)
    : params_(params),
      cache_(std::bit_ceil(std::max<uint32_t>(params.cache_slots, 2))),
      mask_(cache_.size() - 1),
      tokens_(params.burst) {}

bool LearnFilter::take_token(uint64_t now_ns) {
  if (now_ns > last_refill_ns_) {
    tokens_ = std::min<double>(params_.burst,
                               tokens_ + (now_ns - last_refill_ns_) * 1e-9 * params_.events_per_s);
    last_refill_ns_ = now_ns;
  }
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

bool LearnFilter::check(const FloodTable& table, uint32_t vni, const IpAddr& src, uint64_t now_ns,
                        LearnReport& out) {
  Slot& slot = cache_[slot_hash(vni, src) & mask_];
  if (slot.quiet_until_ns > now_ns && slot.vni == vni && address_equal(slot.addr, src))
    return false;
  // Learning never creates a VNI: a frame for one the table lacks is no learn event.
  const VniEntry* e = table.find(vni);
  if (e == nullptr) return false;
  counters_.checked.add(1);
  bool member = false, learned = false;
  for (const Member& m : e->members) {
    if (address_equal(m.addr, src)) {
      member = true;
      learned = m.refresh_from_traffic;
      break;
    }
  }
  // Remembered whether or not it is reported: a refused event comes back next period.
  slot.vni = vni;
  slot.addr = src;
  slot.quiet_until_ns = now_ns + params_.hold_ns;
  if (member && !learned) return false;
  // Under strict source checking only members flood: a stranger is dropped, never learned.
  if (!member && e->policy.source_check == SourceCheck::kStrict) return false;
  if (!take_token(now_ns)) {
    counters_.rate_limited.add(1);
    return false;
  }
  counters_.reported.add(1);
  out.vni = vni;
  out.vtep = src;
  out.refresh = member;
  return true;
}

}  // namespace vxsn
