#include "driver/dpdk/kernel_iface.hpp"

#include <bpf/libbpf.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

namespace vxsn {

namespace {

constexpr uint32_t kXdpModes[] = {XDP_FLAGS_DRV_MODE, XDP_FLAGS_SKB_MODE, XDP_FLAGS_HW_MODE};

unsigned ifindex_or_throw(const std::string& ifname) {
  const unsigned ifindex = if_nametoindex(ifname.c_str());
  if (ifindex == 0) {
    throw std::runtime_error("interface '" + ifname + "' not found: " + std::strerror(errno));
  }
  return ifindex;
}

}  // namespace

std::optional<uint32_t> kernel_iface_mtu(const std::string& ifname) {
  const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::nullopt;
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, ifname.c_str(), IFNAMSIZ - 1);
  const int rc = ioctl(fd, SIOCGIFMTU, &ifr);
  close(fd);
  if (rc < 0) return std::nullopt;
  return static_cast<uint32_t>(ifr.ifr_mtu);
}

int detach_xdp_programs(const std::string& ifname) {
  const unsigned ifindex = ifindex_or_throw(ifname);
  int removed = 0;
  for (uint32_t mode : kXdpModes) {
    uint32_t prog_id = 0;
    if (bpf_xdp_query_id(static_cast<int>(ifindex), static_cast<int>(mode), &prog_id) != 0 ||
        prog_id == 0) {
      continue;
    }
    const int rc = bpf_xdp_detach(static_cast<int>(ifindex), mode, nullptr);
    if (rc != 0) {
      throw std::runtime_error("cannot detach XDP program " + std::to_string(prog_id) + " from '" +
                               ifname + "': " + std::strerror(-rc));
    }
    ++removed;
  }
  return removed;
}

bool xdp_program_attached(const std::string& ifname) {
  const unsigned ifindex = if_nametoindex(ifname.c_str());
  if (ifindex == 0) return false;
  for (uint32_t mode : kXdpModes) {
    uint32_t prog_id = 0;
    if (bpf_xdp_query_id(static_cast<int>(ifindex), static_cast<int>(mode), &prog_id) == 0 &&
        prog_id != 0) {
      return true;
    }
  }
  return false;
}

}  // namespace vxsn
