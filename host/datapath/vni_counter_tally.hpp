// One lane's per-VNI counter deltas over one burst, added to the lane's shard of each VNI's
// counters (VniCounters::traffic) once per VNI when the burst ends: four atomic adds per VNI
// of the burst instead of four per frame.
//
// The caller flushes while the flood table it read the counters from is still held (the
// counters of a VNI that left the table are reclaimed after readers let go of it).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "host/datapath/counters.hpp"

namespace vxsn {

template <size_t kRows>
class VniCounterTally {
 public:
  // Adds into the VNIs' shards of lane `lane` (VniCounters::traffic).
  explicit VniCounterTally(unsigned lane = 0) : lane_(lane) {}
  ~VniCounterTally() { flush(); }

  void frame_in(VniCounters* c, uint64_t bytes) {
    Row& r = row(c);
    ++r.frames_in;
    r.bytes_in += bytes;
  }
  void copies_out(VniCounters* c, uint64_t copies, uint64_t bytes) {
    Row& r = row(c);
    r.copies_out += copies;
    r.bytes_out += bytes;
  }

  // Everything tallied into the shared counters; the tally is empty after.
  void flush() {
    for (size_t i = 0; i < used_; ++i) {
      const Row& r = rows_[i];
      VniTrafficCounters& t = r.counters->traffic(lane_);
      if (r.frames_in) {
        t.frames_in.add(r.frames_in);
        t.bytes_in.add(r.bytes_in);
      }
      if (r.copies_out) {
        t.copies_out.add(r.copies_out);
        t.bytes_out.add(r.bytes_out);
      }
    }
    used_ = 0;
  }

 private:
  struct Row {
    VniCounters* counters;
    uint64_t frames_in, bytes_in, copies_out, bytes_out;
  };

  // The VNI's row: the last one used first (a burst is often one VNI), else a search of
  // at most kRows; a full tally is flushed to make room.
  Row& row(VniCounters* c) {
    if (used_ != 0 && rows_[used_ - 1].counters == c) return rows_[used_ - 1];
    for (size_t i = 0; i < used_; ++i)
      if (rows_[i].counters == c) return rows_[i];
    if (used_ == kRows) flush();
    rows_[used_] = Row{c, 0, 0, 0, 0};
    return rows_[used_++];
  }

  unsigned lane_;
  std::array<Row, kRows> rows_;
  size_t used_ = 0;
};

}  // namespace vxsn
