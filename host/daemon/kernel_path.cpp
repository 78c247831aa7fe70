#include "host/daemon/kernel_path.hpp"

#include <net/if.h>
#include <net/if_arp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace vxsn {
namespace {

// One ioctl on the interface by name, through a throwaway socket.
void interface_ioctl(const std::string& ifname, unsigned long request, ifreq& ifr,
                     const char* what) {
  std::strncpy(ifr.ifr_name, ifname.c_str(), IFNAMSIZ - 1);
  const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || ioctl(fd, request, &ifr) != 0) {
    const int err = errno;
    if (fd >= 0) close(fd);
    throw std::runtime_error("kernel path " + ifname + ": " + what + ": " + std::strerror(err));
  }
  close(fd);
}

}  // namespace

std::unique_ptr<KernelPath> KernelPath::open(const std::string& ifname, const DpdkPort& wire,
                                             uint16_t tx_queues, unsigned index) {
  std::unique_ptr<KernelPath> k(new KernelPath);
  k->ifname_ = ifname;
  PortConfig pc;
  // net_tap matches the vdev name by prefix; the suffix keeps it apart from the operator's
  // own net_tapN ports.
  pc.devargs = "net_tap_kernel" + std::to_string(index) + ",iface=" + ifname;
  pc.rx_queues = 1;
  pc.tx_queues = tx_queues;
  pc.max_frame_len = wire.max_frame_len();
  k->tap_ = DpdkPort::open(pc);

  // The kernel answers ARP/ND with its interface's MAC: the port's, so the node has one
  // identity on the wire and unicast to it is what the port receives.
  ifreq ifr{};
  ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
  std::memcpy(ifr.ifr_hwaddr.sa_data, wire.mac().bytes.data(), 6);
  interface_ioctl(ifname, SIOCSIFHWADDR, ifr, "setting the port's MAC");
  ifr = {};
  interface_ioctl(ifname, SIOCGIFFLAGS, ifr, "reading its flags");
  ifr.ifr_flags |= IFF_UP;
  interface_ioctl(ifname, SIOCSIFFLAGS, ifr, "bringing it up");
  return k;
}

}  // namespace vxsn
