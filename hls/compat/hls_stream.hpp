// Self-written stand-in for Vitis HLS's hls::stream<T, DEPTH> (see hls/hls_types.hpp).
//
// A FIFO that FAILS LOUDLY: reading an empty stream or writing a full one prints the
// stream's name and aborts. On the card either would be a stall that never ends (a
// deadlock); a silent default value in simulation would hide it.
//
// DEPTH > 0: a fixed ring of DEPTH elements, like the FIFO HLS builds for an internal
// stream. DEPTH == 0 (the default, as in Vitis): the depth is not the kernel's business
// (top-level AXI4-Stream ports); the simulation grows it up to kUnboundedLimit elements
// and aborts beyond that, which is a runaway producer rather than a real frame.
#pragma once

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <utility>
#include <vector>

namespace hls {

namespace compat_detail {

[[noreturn]] inline void stream_failure(const char* name, const char* what) {
  std::fprintf(stderr, "hls::stream '%s': %s\n", name, what);
  std::abort();
}

// The ring is raw storage: an element is constructed when it is written and destroyed when
// it is read, so creating a stream costs nothing however deep it is (the kernels create
// theirs on every call, and a 160-beat FIFO of 512-bit beats is 13 KB).
template <class T, int DEPTH>
class FixedFifo {
 public:
  FixedFifo() = default;
  FixedFifo(const FixedFifo&) = delete;
  FixedFifo& operator=(const FixedFifo&) = delete;
  ~FixedFifo() {
    while (count_ != 0) pop();
  }
  bool empty() const { return count_ == 0; }
  bool full() const { return count_ == DEPTH; }
  unsigned size() const { return count_; }
  void push(const T& v) {
    unsigned tail = head_ + count_;  // < 2 * DEPTH: one conditional wrap, no division
    if (tail >= DEPTH) tail -= DEPTH;
    new (slot(tail)) T(v);
    ++count_;
  }
  T pop() {
    T* p = std::launder(reinterpret_cast<T*>(slot(head_)));
    T v = std::move(*p);
    p->~T();
    if (++head_ == DEPTH) head_ = 0;
    --count_;
    return v;
  }

 private:
  void* slot(unsigned i) { return storage_ + size_t{i} * sizeof(T); }
  alignas(T) unsigned char storage_[sizeof(T) * DEPTH];
  unsigned head_ = 0;
  unsigned count_ = 0;
};

// A ring in one heap block that doubles when full (never shrinks): a stream that lives as
// long as its owner (the emulated card's rx/tx) allocates only while it grows, where a
// std::deque of 112-byte beats allocated and freed a block every four beats.
template <class T>
class GrowingFifo {
 public:
  static constexpr unsigned kUnboundedLimit = 1u << 20;
  bool empty() const { return count_ == 0; }
  bool full() const { return count_ >= kUnboundedLimit; }
  unsigned size() const { return count_; }
  void push(const T& v) {
    if (count_ == ring_.size()) grow();
    ring_[(head_ + count_) & (ring_.size() - 1)] = v;
    ++count_;
  }
  T pop() {
    const unsigned at = head_;
    head_ = (head_ + 1) & (ring_.size() - 1);
    --count_;
    return ring_[at];
  }

 private:
  void grow() {
    std::vector<T> bigger(ring_.empty() ? 16 : 2 * ring_.size());
    for (unsigned i = 0; i < count_; ++i) bigger[i] = ring_[(head_ + i) & (ring_.size() - 1)];
    ring_.swap(bigger);
    head_ = 0;
  }
  std::vector<T> ring_;  // size 0 or a power of two
  unsigned head_ = 0;
  unsigned count_ = 0;
};

}  // namespace compat_detail

template <class T, int DEPTH = 0>
class stream {
  static_assert(DEPTH >= 0, "stream depth cannot be negative");

 public:
  stream() : name_("unnamed") {}
  explicit stream(const char* name) : name_(name) {}
  stream(const stream&) = delete;
  stream& operator=(const stream&) = delete;

  bool empty() const { return fifo_.empty(); }
  bool full() const { return fifo_.full(); }
  unsigned size() const { return fifo_.size(); }

  T read() {
    if (fifo_.empty()) compat_detail::stream_failure(name_, "read while empty (deadlock)");
    return fifo_.pop();
  }
  void read(T& v) { v = read(); }
  bool read_nb(T& v) {
    if (fifo_.empty()) return false;
    v = fifo_.pop();
    return true;
  }
  void write(const T& v) {
    if (fifo_.full()) compat_detail::stream_failure(name_, "write while full (depth exceeded)");
    fifo_.push(v);
  }
  bool write_nb(const T& v) {
    if (fifo_.full()) return false;
    fifo_.push(v);
    return true;
  }
  stream& operator<<(const T& v) {
    write(v);
    return *this;
  }
  stream& operator>>(T& v) {
    read(v);
    return *this;
  }
  const char* name() const { return name_; }

 private:
  const char* name_;
  std::conditional_t<DEPTH == 0, compat_detail::GrowingFifo<T>,
                     compat_detail::FixedFifo<T, (DEPTH > 0 ? DEPTH : 1)>>
      fifo_;
};

}  // namespace hls
