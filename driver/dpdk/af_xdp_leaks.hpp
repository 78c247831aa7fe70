// File descriptors DPDK 22.11's net_af_xdp leaves open when a port closes:
//  - its first AF_XDP socket, which also owns the UMEM: the PMD's UMEM reference count
//    never drops to zero, so xsk_umem__delete is never called. The kernel keeps the
//    interface queue bound and every later open of that interface fails with EBUSY.
//  - the steering program's BPF object (program, xsks_map, BTF): loaded with libbpf and
//    never closed, so each open would leave one more program loaded in the kernel.
// DpdkPort notes which of these its own open created and closes them after the PMD has
// let go of the port.
#pragma once

#include <sys/types.h>

#include <compare>
#include <string>
#include <vector>

namespace vxsn {

// TrackedFd::kind of an AF_XDP socket.
inline constexpr const char* kAfXdpSocketKind = "af_xdp socket";

struct TrackedFd {
  int fd;
  ino_t inode;
  std::string kind;  // "af_xdp socket" or the anon inode name ("anon_inode:bpf-prog", ...)
  auto operator<=>(const TrackedFd&) const = default;
};

// This process's AF_XDP sockets and BPF object descriptors, sorted.
std::vector<TrackedFd> af_xdp_related_fds();
// Entries of `now` that are not in `before`.
std::vector<TrackedFd> fds_added(const std::vector<TrackedFd>& before,
                                 const std::vector<TrackedFd>& now);
// Closes each descriptor still open as the same object; returns how many it closed.
int close_fds(const std::vector<TrackedFd>& fds);

}  // namespace vxsn
