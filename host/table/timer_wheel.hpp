// A hashed timer wheel: scheduling is O(1) and a tick visits only the items of the slots
// it passes, so ageing costs O(expiring items), not a scan of the whole table. An item
// whose deadline is more than one turn away waits in its slot for the later turn.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace vxsn {

template <class T>
class TimerWheel {
 public:
  // `slots` is rounded up to a power of two.
  explicit TimerWheel(size_t slots = 4096) : slots_(std::bit_ceil(slots < 2 ? size_t{2} : slots)) {}

  // Fires `item` at the first advance() to `deadline_tick` or later. A deadline already
  // passed fires at the next advance().
  void schedule(uint64_t deadline_tick, T item) {
    if (deadline_tick <= current_) deadline_tick = current_ + 1;
    slots_[deadline_tick & (slots_.size() - 1)].push_back({deadline_tick, std::move(item)});
    ++size_;
  }

  // Moves time to `now_tick` and calls fire(deadline_tick, item) for every item due. fire
  // may schedule new items (they go to later ticks).
  template <class Fire>
  void advance(uint64_t now_tick, Fire&& fire) {
    if (now_tick <= current_) return;
    const uint64_t mask = slots_.size() - 1;
    // More than one turn at once: every slot is visited once.
    const uint64_t first = now_tick - current_ > slots_.size() ? now_tick - mask : current_ + 1;
    due_.clear();
    for (uint64_t t = first; t <= now_tick; ++t) {
      std::vector<Item>& slot = slots_[t & mask];
      size_t keep = 0;
      for (size_t i = 0; i < slot.size(); ++i) {
        if (slot[i].deadline <= now_tick)
          due_.push_back(std::move(slot[i]));
        else
          slot[keep++] = std::move(slot[i]);
      }
      slot.resize(keep);
      // An emptied slot gives its memory back: it is next needed a whole turn later, and
      // otherwise every slot would keep the capacity of the largest burst it ever held.
      if (keep == 0) std::vector<Item>().swap(slot);
    }
    current_ = now_tick;
    size_ -= due_.size();
    for (Item& item : due_) fire(item.deadline, std::move(item.value));
    due_.clear();
  }

  uint64_t current_tick() const { return current_; }
  size_t size() const { return size_; }

 private:
  struct Item {
    uint64_t deadline;
    T value;
  };
  std::vector<std::vector<Item>> slots_;
  std::vector<Item> due_;
  uint64_t current_ = 0;
  size_t size_ = 0;
};

}  // namespace vxsn
