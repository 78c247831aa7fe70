// The emulated card's poll loop: the same DPDK ports and steering as the software
// datapath, but every frame goes through the card's kernel (EmuCard) and its copies come
// back with their egress port (TDEST) to be sent as mbufs. One lane per datapath lcore,
// polling its share of the RX queues and sending on its own TX queue, as the software
// datapath does. The emulated kernel keeps its state (learn cache, storm buckets, counters)
// in process-wide statics (hls/), so the card call itself is serialised: steering, mbuf
// gathering, copy building and TX run on every lane at once, one lane's burst is in the
// kernel at a time.
//
// The card counts what it does (rx, tx, drops, per VNI); this loop counts only what
// happens on the host around it: copies it could not buffer (no_buffer) or send (tx_full),
// and frames the steering rule left to the host kernel (through a port's kernel path when
// the kernel does not own the port). Who applies the steering rule: the software
// classifier in front of the card, or with punt_through_card() the card itself (its punt
// ring drained after every burst), as a board does.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "driver/card/emu_card.hpp"
#include "driver/dpdk/port.hpp"
#include "driver/steering/software_classifier.hpp"
#include "host/daemon/kernel_path_switch.hpp"
#include "host/daemon/lcore_group.hpp"
#include "host/daemon/poll_loop.hpp"
#include "host/datapath/counters.hpp"
#include "host/metrics/node_snapshot.hpp"

namespace vxsn {

class CardDatapath {
 public:
  // `steering` selects what the card gets from each port (copied: set_steering replaces it).
  CardDatapath(std::vector<DpdkPort*> ports, EmuCard& card, const SteeringPolicy& steering,
               unsigned lanes = 1);
  ~CardDatapath();

  // Before start(): port `port`'s host frames go to `tap` (the kernel does not see that
  // port), and lane 0 sends what the kernel writes to `tap` out of the port, as the
  // software datapath does. `tap` (one RX queue, a TX queue per lane) outlives this.
  void attach_kernel_path(size_t port, DpdkPort* tap) { kernel_paths_.attach(port, tap); }
  // Before start(): the card enforces the steering policy itself (its steering rules are
  // configured, CardControl::steer_rules): every frame of every port goes into the card,
  // no classifier in front, and what the card punts goes to the kernel path of the port
  // it came from (for a port the kernel owns it is let go: the kernel has its own copy).
  // What the kernel sends on a TAP goes into the card's inject ring and out of the card's
  // port, as on a board.
  void punt_through_card() { card_steering_ = true; }
  bool punts_through_card() const { return card_steering_; }
  bool has_kernel_path() const { return kernel_paths_.any(); }
  KernelPathCounts kernel_path_counts() const;

  void start();
  // Stops polling after the current burst; copies already made are sent.
  void stop();
  // Turns of the poll loop so far: the health check's proof that it still runs.
  uint64_t poll_turns() const { return lcores_.min_turns(); }

  // Host-side drops only (no_buffer, tx_full), every lane's; everything else is on the card.
  DatapathCountersSnapshot host_counters() const;
  uint64_t host_frames() const;
  std::vector<uint64_t> steering_hits() const;
  // While the lanes run (control thread): every lane classifies with `policy` from its next
  // burst; returns once none can still use the old list.
  void set_steering(const SteeringPolicy& policy);
  // rx_frames: frames the lane handed to the card.
  std::vector<LcoreCounts> lcore_counts() const;

 private:
  struct Lane;
  void run(Lane& lane);
  // Lane 0, the card steering itself: what the kernels wrote to their TAPs into the card's
  // inject ring, and the card's restarts that send it to `sink` (the caller flushes it).
  // True if any frame moved.
  bool inject_from_kernels(EmuCopySink& sink, Lane& lane);

  std::vector<DpdkPort*> ports_;
  KernelPathSwitch kernel_paths_;
  EmuCard& card_;
  bool card_steering_ = false;
  std::mutex card_mutex_;  // the kernel's statics: one burst in it at a time
  SteeringRules steering_;
  std::vector<std::unique_ptr<Lane>> lanes_;
  LcoreGroup lcores_;
};

}  // namespace vxsn
