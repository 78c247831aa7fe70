// One DPDK ethdev port with N RX queues (RSS over the outer IP/UDP headers where the PMD
// hashes; kernel-backed PMDs spread flows themselves) and one TX queue per datapath lcore,
// opened from an EAL device string and closed (and its XDP program removed) when the object
// goes away.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <vector>

#include "driver/dpdk/af_xdp_leaks.hpp"
#include "driver/net_types.hpp"

struct rte_mbuf;
struct rte_mempool;

namespace vxsn {

// An AF_XDP socket's RX ring is all a lane has while it is off the CPU: frames beyond it are
// dropped by the kernel (rx_ring_full). DPDK 22.11's PMD gives the kernel 2048 fill-ring
// buffers, so a ring of 2048 holds twice the default's frames (Open vSwitch's AF_XDP ports
// use 2048 too); deeper would only move the drops to the fill ring.
inline constexpr uint16_t kAfXdpRxRing = 2048;
inline constexpr uint16_t kDefaultRxRing = 1024;

struct PortConfig {
  // "net_af_xdp0,iface=sn0", "net_af_packet0,iface=sn0", "net_ring0", "0000:01:00.0", ...
  // probed with rte_dev_probe after EAL init; or the name of a port that already exists.
  std::string devargs;
  // RX descriptors per queue; 0: the port's default (kAfXdpRxRing on af_xdp, else 1024).
  uint16_t rx_ring = 0, tx_ring = 1024;
  uint32_t mbuf_count = 8191;
  // RX queues polled by the datapath lcores; TX queues, one per datapath lcore (more are
  // configured, up to rx_queues, where the PMD has them: net_tap wants as many as RX). A
  // PMD that offers fewer is refused with both figures named.
  uint16_t rx_queues = 1, tx_queues = 1;
  // The largest frame the operator wants carried; the port reports what it can do.
  uint32_t max_frame_len = 9216;
  // Runs on the configured, not yet started port (its ethdev id): where rte_flow isolated
  // mode is requested, which PMDs change only on a stopped port.
  std::function<void(uint16_t port_id)> before_start;
};

class DpdkPort {
 public:
  // Throws std::runtime_error naming the devargs and the failing step.
  static std::unique_ptr<DpdkPort> open(const PortConfig& config);
  ~DpdkPort();
  DpdkPort(const DpdkPort&) = delete;
  DpdkPort& operator=(const DpdkPort&) = delete;

  uint16_t id() const { return port_id_; }
  const std::string& name() const { return name_; }
  const std::string& devargs() const { return devargs_; }  // as probed, defaults added
  // The `iface=` of af_xdp/af_packet/pcap vdevs, else "".
  const std::string& kernel_ifname() const { return kernel_ifname_; }
  MacAddr mac() const { return mac_; }
  // The largest L2 frame (no FCS) this port receives AND sends whole.
  uint32_t max_frame_len() const { return max_frame_len_; }
  // Per-port pool; data room >= max_frame_len() + RTE_PKTMBUF_HEADROOM.
  rte_mempool* pool() const { return pool_; }

  // Stops the port, runs `while_stopped`, starts it again (e.g. to leave rte_flow isolated
  // mode). Throws std::runtime_error if it does not start again.
  void restart(const std::function<void()>& while_stopped);

  uint16_t rx_queues() const { return rx_queues_; }
  uint16_t tx_queues() const { return tx_queues_; }
  // The RSS hash types the port was configured with (0: the PMD does not hash; one queue,
  // or a kernel-backed PMD whose kernel side spreads flows over the queues itself).
  uint64_t rss_hash_types() const { return rss_hf_; }

  // A queue is polled (resp. sent on) by one thread at a time: the lcore it is assigned to.
  uint16_t rx_burst(rte_mbuf** pkts, uint16_t n, uint16_t queue = 0);
  // Frees what it sent (once transmitted); the caller frees what it did not take.
  uint16_t tx_burst(rte_mbuf** pkts, uint16_t n, uint16_t queue = 0);

  struct Stats {
    uint64_t ipackets = 0, opackets = 0, ibytes = 0, obytes = 0, imissed = 0, ierrors = 0,
             oerrors = 0;
    // AF_XDP ports: frames the kernel dropped because the socket's RX ring was full (the
    // PMD's imissed does not include them). Read from the kernel's XDP_STATISTICS of this
    // port's own sockets, so counted from the port's open; 0 on other ports.
    uint64_t rx_ring_full = 0;
  };
  Stats stats() const;

 private:
  DpdkPort() = default;
  static std::unique_ptr<DpdkPort> open_once(const PortConfig& config);
  void close();

  uint16_t port_id_ = 0;
  std::string name_;
  std::string devargs_;
  std::string kernel_ifname_;
  MacAddr mac_;
  uint32_t max_frame_len_ = 0;
  uint16_t rx_queues_ = 1, tx_queues_ = 1;
  uint64_t rss_hf_ = 0;
  rte_mempool* pool_ = nullptr;
  bool probed_by_us_ = false;
  bool configured_ = false;
  bool is_af_xdp_ = false;
  bool open_complete_ = false;
  std::vector<TrackedFd> fds_before_open_;  // AF_XDP/BPF descriptors that are not ours
  std::vector<TrackedFd> leaked_by_pmd_;    // the ones this port's open created
  std::vector<int> xsk_fds_;                // this port's AF_XDP sockets (XDP_STATISTICS)
};

}  // namespace vxsn
