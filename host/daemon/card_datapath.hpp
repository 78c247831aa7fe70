// The emulated card's poll loop: the same DPDK ports and steering as the software
// datapath, but every frame goes through the card's kernel (EmuCard) and its copies come
// back with their egress port (TDEST) to be sent as mbufs. One thread polls every port.
//
// The card counts what it does (rx, tx, drops, per VNI); this loop counts only what
// happens on the host around it: copies it could not buffer (no_buffer) or send (tx_full),
// and frames the steering rule left to the host kernel.
#pragma once

#include <atomic>
#include <thread>
#include <vector>

#include "driver/card/emu_card.hpp"
#include "driver/dpdk/port.hpp"
#include "driver/steering/software_classifier.hpp"
#include "host/daemon/poll_loop.hpp"
#include "host/datapath/counters.hpp"

namespace vxsn {

class CardDatapath {
 public:
  // `steering` (outlives this) selects what the card gets from each port.
  CardDatapath(std::vector<DpdkPort*> ports, EmuCard& card, const SteeringPolicy& steering);
  ~CardDatapath();

  void start();
  // Stops polling after the current burst; copies already made are sent.
  void stop();
  // Turns of the poll loop so far: the health check's proof that it still runs.
  uint64_t poll_turns() const { return poll_.turns(); }

  // Host-side drops only (no_buffer, tx_full); everything else is on the card.
  const DatapathCounters& host_counters() const { return counters_; }
  uint64_t host_frames() const { return host_frames_.get(); }
  std::vector<uint64_t> steering_hits() const { return steering_.hits(); }

 private:
  void run();

  std::vector<DpdkPort*> ports_;
  EmuCard& card_;
  SoftwareClassifier steering_;
  DatapathCounters counters_;
  SingleWriterCounter host_frames_;
  PollThread poll_;
};

}  // namespace vxsn
