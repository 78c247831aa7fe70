// A bounded single-producer single-consumer queue without locks: the datapath thread pushes,
// the control loop pops. A full queue refuses the push (the producer counts it) rather than
// block the datapath.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <new>

namespace vxsn {

template <class T, size_t Capacity>
class SpscQueue {
  static_assert(Capacity >= 2 && (Capacity & (Capacity - 1)) == 0, "power of two");

 public:
  // Producer only.
  bool try_push(const T& value) {
    const size_t tail = tail_.load(std::memory_order_relaxed);
    if (tail - head_cache_ == Capacity) {
      head_cache_ = head_.load(std::memory_order_acquire);
      if (tail - head_cache_ == Capacity) return false;
    }
    slots_[tail & (Capacity - 1)] = value;
    tail_.store(tail + 1, std::memory_order_release);
    return true;
  }

  // Consumer only.
  bool try_pop(T& out) {
    const size_t head = head_.load(std::memory_order_relaxed);
    if (head == tail_cache_) {
      tail_cache_ = tail_.load(std::memory_order_acquire);
      if (head == tail_cache_) return false;
    }
    out = slots_[head & (Capacity - 1)];
    head_.store(head + 1, std::memory_order_release);
    return true;
  }

  // Consumer only: pops up to `max` items into fn(item); returns how many.
  template <class Fn>
  size_t drain(Fn&& fn, size_t max = Capacity) {
    size_t n = 0;
    T item;
    while (n < max && try_pop(item)) {
      fn(item);
      ++n;
    }
    return n;
  }

  static constexpr size_t capacity() { return Capacity; }

 private:
  // Producer and consumer indices on their own cache lines: no false sharing.
  alignas(64) std::atomic<size_t> tail_{0};
  size_t head_cache_ = 0;  // producer's view of head_
  alignas(64) std::atomic<size_t> head_{0};
  size_t tail_cache_ = 0;  // consumer's view of tail_
  alignas(64) std::array<T, Capacity> slots_{};
};

}  // namespace vxsn
