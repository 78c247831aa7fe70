// The datapath side of learning: decides, per accepted frame, whether its (VNI, source VTEP)
// is news for the control plane. A frame from a VTEP that is not a member of its VNI (a VNI
// the table has: learning never creates one) is a learn event; a frame from a learned member is a
// refresh. A small direct-mapped cache remembers pairs checked within the last hold period (so a
// pair is reported, or its member list scanned, at most about once per period), and a token bucket
// caps the event rate. One LearnFilter per datapath thread; not thread-safe.
#pragma once

#include <cstdint>
#include <vector>

#include "driver/net_types.hpp"
#include "host/datapath/counters.hpp"
#include "host/datapath/flood_table.hpp"
#include "host/table/spsc_queue.hpp"

namespace vxsn {

struct LearnReport {
  uint32_t vni = 0;
  IpAddr vtep;
  bool refresh = false;  // the VTEP is already a learned member: keep it alive
};

// Datapath -> control loop. 4096 events: minutes of learning at the default rate limit.
using LearnQueue = SpscQueue<LearnReport, 4096>;

struct LearnFilterParams {
  uint32_t cache_slots = 8192;       // rounded up to a power of two
  uint64_t hold_ns = 1'000'000'000;  // a checked pair stays quiet this long (ageing interval)
  uint32_t events_per_s = 1000;      // token bucket rate
  uint32_t burst = 256;              // and depth
};

// Written by the filter's datapath thread, readable from any thread.
struct LearnFilterCounters {
  SingleWriterCounter checked;       // cache misses: member lists scanned
  SingleWriterCounter reported;      // events returned
  SingleWriterCounter rate_limited;  // events the bucket refused
  SingleWriterCounter queue_full;    // reported events the queue had no room for (caller counts)
};

class LearnFilter {
 public:
  explicit LearnFilter(const LearnFilterParams& params);

  // For a frame the parser accepted: true (and `out` filled) if it must be reported.
  // `table` is the snapshot the frame was replicated from; now_ns any monotonic clock.
  bool check(const FloodTable& table, uint32_t vni, const IpAddr& src_vtep, uint64_t now_ns,
             LearnReport& out);
  const LearnFilterCounters& counters() const { return counters_; }
  LearnFilterCounters& counters() { return counters_; }

 private:
  struct Slot {
    uint32_t vni = 0;
    IpAddr addr;
    uint64_t quiet_until_ns = 0;
  };
  bool take_token(uint64_t now_ns);

  LearnFilterParams params_;
  std::vector<Slot> cache_;
  size_t mask_;
  double tokens_;
  uint64_t last_refill_ns_ = 0;
  LearnFilterCounters counters_;
};

}  // namespace vxsn
