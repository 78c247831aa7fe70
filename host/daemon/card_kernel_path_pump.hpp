// The kernel paths of a card with ports of its own (`fpga`): no host poll loop sees the
// wire, so a thread of its own carries the host's side of the card's two rings. What the
// card's steering rules punt (ARP, ND, BGP, BFD, SSH, registrations; Card::
// drain_punted_frames) goes to the TAP of the port it arrived on, and what the host kernel
// writes to a TAP goes into the card's inject ring (Card::inject_frame), out of that port.
// The emulated card's poll loop does the same per burst (CardDatapath).
//
// It polls: every 100 us while frames move, every ms when idle (a host frame waits at
// most ~1 ms; ARP, BGP and BFD at their timers' scale never notice). A card that cannot be
// read is logged once and retried at the idle pace.
#pragma once

#include <atomic>
#include <thread>
#include <vector>

#include "driver/card/card.hpp"
#include "host/daemon/kernel_path_switch.hpp"

namespace vxsn {

class CardKernelPathPump {
 public:
  // `card` and `paths` (the card's ports and their TAPs) outlive this.
  CardKernelPathPump(Card& card, const KernelPathSwitch& paths);
  ~CardKernelPathPump();

  void start();
  void stop();
  KernelPathCounts counts() const;

  // One pass: the punt ring drained into the TAPs, the TAPs into the inject ring. True if
  // any frame moved. Throws CardError when the card cannot be read.
  bool pass();

 private:
  void run();

  Card& card_;
  const KernelPathSwitch& paths_;
  KernelPathLaneCounters counters_;
  std::vector<PuntedFrame> punted_;
  std::atomic<bool> running_{false};
  std::thread thread_;
};

}  // namespace vxsn
