// The datapath's side of the kernel paths (host/daemon/kernel_path.hpp), shared by every
// datapath that polls DPDK ports (the software datapath, the card's poll loop): which port
// has a TAP, the host frames a lane hands to it, and what the kernels wrote to their TAPs
// going out of the ports. One object per datapath; each lane keeps its own counters.
#pragma once

#include <rte_mbuf.h>

#include <array>
#include <functional>
#include <span>
#include <vector>

#include "driver/dpdk/port.hpp"
#include "host/datapath/counters.hpp"
#include "host/metrics/node_snapshot.hpp"

namespace vxsn {

// What one lane moved through the kernel paths (its cache lines, its writes only).
struct KernelPathLaneCounters {
  SingleWriterCounter to_kernel, from_kernel, dropped;
};

class KernelPathSwitch {
 public:
  static constexpr uint16_t kBurst = 32;

  explicit KernelPathSwitch(std::vector<DpdkPort*> ports)
      : ports_(std::move(ports)), taps_(ports_.size(), nullptr) {}

  // Before the lanes start: port `port`'s host frames go to `tap` and back.
  void attach(size_t port, DpdkPort* tap) { taps_.at(port) = tap; }
  bool any() const;
  const std::vector<DpdkPort*>& ports() const { return ports_; }
  // The TAP of `port` (null: the kernel owns the port, its host frames are left alone).
  DpdkPort* tap_of(const DpdkPort* port) const;

  // One lane's frames for one TAP, sent a burst at a time.
  class Outbox {
   public:
    Outbox(DpdkPort* tap, uint16_t tx_queue, KernelPathLaneCounters& counters)
        : tap_(tap), queue_(tx_queue), counters_(counters) {}
    bool active() const { return tap_ != nullptr; }
    // Takes `m` (the caller no longer frees it).
    void add(rte_mbuf* m) {
      frames_[count_++] = m;
      if (count_ == kBurst) flush();
    }
    // A copy of `frame` in an mbuf of `pool` (none free: counted dropped).
    void add_copy(std::span<const uint8_t> frame, rte_mempool* pool);
    void flush();

   private:
    DpdkPort* tap_;
    uint16_t queue_;
    KernelPathLaneCounters& counters_;
    std::array<rte_mbuf*, kBurst> frames_{};
    uint16_t count_ = 0;
  };

  // What the kernels wrote to their TAPs goes out of the ports on TX queue `tx_queue` (one
  // lane polls the TAPs' one RX queue each). True if any frame moved.
  bool forward_from_kernels(uint16_t tx_queue, KernelPathLaneCounters& counters) const;
  // The same frames handed to `inject` (a card's inject ring: the card sends them out of its
  // port) instead of a TX queue; `inject(port index, frame)` returns false for a frame it
  // could not take, which is counted dropped. The mbufs are freed. True if any frame moved.
  using Injector = std::function<bool(uint16_t port, std::span<const uint8_t> frame)>;
  bool inject_from_kernels(const Injector& inject, KernelPathLaneCounters& counters) const;

  static KernelPathCounts sum(const std::vector<const KernelPathLaneCounters*>& lanes);

 private:
  std::vector<DpdkPort*> ports_;
  std::vector<DpdkPort*> taps_;  // per port; nullptr: the kernel owns the port
};

}  // namespace vxsn
