// Datapath counters: written by one datapath lane (lcore), read by any thread (metrics,
// CLI). The single writer adds with a relaxed load + store instead of a locked
// read-modify-write: readers may see a slightly old value, never a torn one, and the fast
// path pays no lock. One DatapathCounters per lane, summed when read; never let two threads
// write the same object. Per-VNI counters are shared by the lanes (a VNI's traffic spreads
// over every queue), so they add atomically.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>

#include "hls/drop_reason.hpp"
#include "hls/token_bucket.hpp"

namespace vxsn {

class SingleWriterCounter {
 public:
  void add(uint64_t n) {
    value_.store(value_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  uint64_t get() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

struct DatapathCountersSnapshot {
  uint64_t rx_frames = 0;
  uint64_t rx_bytes = 0;
  uint64_t tx_copies = 0;
  uint64_t tx_bytes = 0;
  std::array<uint64_t, kDropReasonCount> drops{};

  uint64_t drop(DropReason r) const { return drops[static_cast<unsigned>(r)]; }
  // Merges another lane's reading.
  DatapathCountersSnapshot& operator+=(const DatapathCountersSnapshot& o) {
    rx_frames += o.rx_frames;
    rx_bytes += o.rx_bytes;
    tx_copies += o.tx_copies;
    tx_bytes += o.tx_bytes;
    for (unsigned i = 0; i < kDropReasonCount; ++i) drops[i] += o.drops[i];
    return *this;
  }
};

// Cache-line aligned so counters of neighbouring datapath threads never share a line.
struct alignas(64) DatapathCounters {
  SingleWriterCounter rx_frames;
  SingleWriterCounter rx_bytes;
  SingleWriterCounter tx_copies;
  SingleWriterCounter tx_bytes;
  std::array<SingleWriterCounter, kDropReasonCount> drops;

  void count_drop(DropReason r, uint64_t n = 1) { drops[static_cast<unsigned>(r)].add(n); }

  DatapathCountersSnapshot snapshot() const {
    DatapathCountersSnapshot s;
    s.rx_frames = rx_frames.get();
    s.rx_bytes = rx_bytes.get();
    s.tx_copies = tx_copies.get();
    s.tx_bytes = tx_bytes.get();
    for (unsigned i = 0; i < kDropReasonCount; ++i) s.drops[i] = drops[i].get();
    return s;
  }
};

// Written by any number of lanes: a relaxed atomic add (a VNI's counters are touched once
// or twice per frame, not per copy).
class SharedCounter {
 public:
  void add(uint64_t n) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t get() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

// A policer bucket several lanes use: updated under a spin lock held for the few
// arithmetic operations of policer_admit. Taken only when the policer limits.
struct LockedBucket {
  std::atomic_flag lock = ATOMIC_FLAG_INIT;
  TokenBucketState state;
};

// policer_admit on a shared bucket.
inline bool locked_policer_admit(LockedBucket& b, const PolicerRate& rate, uint64_t burst_ns,
                                 uint64_t now_ns, uint32_t bytes) {
  if (!rate.limits()) return true;
  while (b.lock.test_and_set(std::memory_order_acquire)) {
    while (b.lock.test(std::memory_order_relaxed)) {
    }
  }
  const bool admitted = policer_admit(b.state, rate, burst_ns, now_ns, bytes);
  b.lock.clear(std::memory_order_release);
  return admitted;
}

struct VniCountersSnapshot {
  uint64_t frames_in = 0;
  uint64_t bytes_in = 0;
  uint64_t copies_out = 0;
  uint64_t bytes_out = 0;
  uint64_t source_not_member = 0;
  uint64_t storm_policed = 0;
};

// The traffic counters of one VNI as one lane adds to them (a cache line of their own).
struct alignas(64) VniTrafficCounters {
  SharedCounter frames_in;   // frames of this VNI that reached replication
  SharedCounter bytes_in;    // their received frame bytes
  SharedCounter copies_out;  // copies handed to the sink
  SharedCounter bytes_out;   // their bytes
};

// Per VNI, written by every lane. The traffic counters are sharded by lane: each lane adds
// into its own shard, so two lanes flooding the same VNIs (RSS spreads a VNI's flows over
// every lane) never trade a cache line per frame; readers sum the shards. Any lane may use
// any shard (they are atomic): the shard only decides whose line it is. Lives in a
// VniCounterRegistry, so it outlives every flood table snapshot that points at it.
struct alignas(64) VniCounters {
  VniCounters() : VniCounters(1) {}  // one lane's
  // `shards`: the datapath's lanes (VniCounterRegistry gives its own), at least 1.
  explicit VniCounters(unsigned shards)
      : shard_count_(shards == 0 ? 1 : shards),
        shards_(std::make_unique<VniTrafficCounters[]>(shard_count_)) {}

  VniTrafficCounters& traffic(unsigned lane) { return shards_[lane % shard_count_]; }

  SharedCounter source_not_member;  // frames the source check refused
  SharedCounter storm_policed;      // frames a policer (the VNI's or the VTEP's) refused
  // The VNI's storm policer: one bucket for the VNI, whichever lane its frames arrive on.
  LockedBucket storm_bucket;

  VniCountersSnapshot snapshot() const {
    VniCountersSnapshot s{0, 0, 0, 0, source_not_member.get(), storm_policed.get()};
    for (unsigned i = 0; i < shard_count_; ++i) {
      s.frames_in += shards_[i].frames_in.get();
      s.bytes_in += shards_[i].bytes_in.get();
      s.copies_out += shards_[i].copies_out.get();
      s.bytes_out += shards_[i].bytes_out.get();
    }
    return s;
  }

 private:
  unsigned shard_count_;
  std::unique_ptr<VniTrafficCounters[]> shards_;
};

}  // namespace vxsn
