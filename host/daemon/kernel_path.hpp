// The kernel path of a port the kernel does not own (a NIC bound to vfio, a card's port):
// a TAP interface (DPDK's net_tap) that carries the port's MAC, so the host kernel can own
// the node's addresses on that wire. The steering policy's host frames from the port (ARP,
// ND, BGP, BFD, SSH, registration datagrams) are handed to the TAP, and what the kernel
// sends on the TAP goes out of the port (SoftwareDatapath::attach_kernel_path). The
// operator configures the TAP like any interface (addresses, routes, FRR); it exists while
// vxsnd runs. DPDK's replacement for KNI; virtio-user would serve the same role faster.
#pragma once

#include <memory>
#include <string>

#include "driver/dpdk/port.hpp"

namespace vxsn {

class KernelPath {
 public:
  // Creates TAP `ifname` (the `index`-th kernel path of this process) with `wire`'s MAC and
  // `tx_queues` TX queues (one per datapath lane) and brings it up. Throws
  // std::runtime_error naming the interface and the failing step (a name already in use,
  // no /dev/net/tun).
  static std::unique_ptr<KernelPath> open(const std::string& ifname, const DpdkPort& wire,
                                          uint16_t tx_queues, unsigned index);

  DpdkPort& tap() { return *tap_; }
  const std::string& ifname() const { return ifname_; }

 private:
  KernelPath() = default;
  std::unique_ptr<DpdkPort> tap_;
  std::string ifname_;
};

}  // namespace vxsn
