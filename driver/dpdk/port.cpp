#include "driver/dpdk/port.hpp"

#include <rte_dev.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <thread>

#include "driver/dpdk/devargs.hpp"
#include "driver/dpdk/eal.hpp"
#include "driver/dpdk/kernel_iface.hpp"
#include "driver/dpdk/mbuf_pool.hpp"
#include "driver/dpdk/xsk_statistics.hpp"

namespace vxsn {

namespace {

constexpr uint32_t kEthHeaderLen = RTE_ETHER_HDR_LEN;

// Binding an AF_XDP socket to a queue whose previous socket was just closed fails with
// EBUSY until the kernel's deferred release has run.
struct QueueBusyError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
constexpr int kAfXdpOpenAttempts = 40;
constexpr auto kAfXdpRetryPause = std::chrono::milliseconds(25);

[[noreturn]] void fail(const std::string& devargs, const std::string& step, int err) {
  throw std::runtime_error("cannot open DPDK port '" + devargs + "': " + step + " failed (" +
                           rte_strerror(err < 0 ? -err : err) + ")");
}

std::optional<uint16_t> port_by_name(const std::string& name) {
  uint16_t id = 0;
  if (rte_eth_dev_get_port_by_name(name.c_str(), &id) == 0) return id;
  // A PCI address written differently from DPDK's canonical form: match the device name.
  RTE_ETH_FOREACH_DEV(id) {
    rte_eth_dev_info info{};
    if (rte_eth_dev_info_get(id, &info) == 0 && info.device != nullptr &&
        name == rte_dev_name(info.device)) {
      return id;
    }
  }
  return std::nullopt;
}

// What the PMD itself can carry whole, before the kernel interface's MTU is considered.
uint32_t pmd_frame_limit(PortKind kind, const std::string& devargs, const rte_mempool* pool,
                         const rte_eth_dev_info& info) {
  switch (kind) {
    case PortKind::kAfXdp:
      return af_xdp_frame_capacity(pool);
    case PortKind::kAfPacket: {
      // The PMD's own max_rx_pktlen (1518) is not what it carries: the ring frame size is.
      const std::optional<std::string> framesz = devargs_value(devargs, "framesz");
      const uint32_t frame = framesz ? std::stoul(*framesz) : kAfPacketDefaultFrameSize;
      return frame > kAfPacketRxFrameOverhead ? frame - kAfPacketRxFrameOverhead : 0;
    }
    default: {
      const uint32_t room = rte_pktmbuf_data_room_size(const_cast<rte_mempool*>(pool));
      return std::min<uint32_t>(room - RTE_PKTMBUF_HEADROOM, info.max_rx_pktlen);
    }
  }
}

// RSS on the outer IPv4/IPv6 addresses and UDP ports (the VTEPs vary the UDP source port
// per inner flow), as far as the PMD hashes them.
uint64_t outer_rss_types(const rte_eth_dev_info& info) {
  return (RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP) & info.flow_type_rss_offloads;
}

void check_queue_counts(const PortConfig& config, const std::string& devargs,
                        const rte_eth_dev_info& info) {
  auto refuse = [&](const char* what, unsigned asked, unsigned offered) {
    throw std::runtime_error("cannot open DPDK port '" + devargs + "': " + std::to_string(asked) +
                             " " + what + " queues wanted, the PMD offers " +
                             std::to_string(offered) +
                             " (af_xdp: queue_count=, af_packet: qpairs= in the device string)");
  };
  if (config.rx_queues == 0 || config.tx_queues == 0)
    throw std::runtime_error("cannot open DPDK port '" + devargs + "': zero queues");
  if (config.rx_queues > info.max_rx_queues) refuse("RX", config.rx_queues, info.max_rx_queues);
  if (config.tx_queues > info.max_tx_queues) refuse("TX", config.tx_queues, info.max_tx_queues);
}

}  // namespace

std::unique_ptr<DpdkPort> DpdkPort::open(const PortConfig& config) {
  for (int attempt = 1;; ++attempt) {
    try {
      return open_once(config);
    } catch (const QueueBusyError& e) {
      if (attempt == kAfXdpOpenAttempts) throw;
      spdlog::debug("{} (attempt {}), retrying", e.what(), attempt);
      std::this_thread::sleep_for(kAfXdpRetryPause);
    }
  }
}

std::unique_ptr<DpdkPort> DpdkPort::open_once(const PortConfig& config) {
  if (!eal_initialised()) {
    throw std::runtime_error("cannot open DPDK port '" + config.devargs +
                             "': the EAL is not initialised (call eal_init first)");
  }
  if (config.devargs.empty()) throw std::runtime_error("cannot open DPDK port: empty devargs");

  std::unique_ptr<DpdkPort> port(new DpdkPort);
  const PortKind kind = devargs_kind(config.devargs);
  const std::string device_name = devargs_device_name(config.devargs);
  port->is_af_xdp_ = kind == PortKind::kAfXdp;
  port->kernel_ifname_ = devargs_value(config.devargs, "iface").value_or("");
  port->devargs_ = complete_devargs(config.devargs, config.max_frame_len, xdp_program_path());
  if (port->is_af_xdp_) port->fds_before_open_ = af_xdp_related_fds();

  if (std::optional<uint16_t> existing = port_by_name(device_name)) {
    port->port_id_ = *existing;
    if (config.devargs != device_name) {
      spdlog::warn("DPDK port '{}' already exists: its arguments in '{}' are ignored", device_name,
                   config.devargs);
    }
  } else {
    if (port->is_af_xdp_) {
      if (port->kernel_ifname_.empty()) {
        throw std::runtime_error("cannot open DPDK port '" + config.devargs +
                                 "': net_af_xdp needs iface=<interface>");
      }
      if (int n = detach_xdp_programs(port->kernel_ifname_); n > 0) {
        spdlog::warn("removed {} leftover XDP program(s) from {} (a previous run was killed?)", n,
                     port->kernel_ifname_);
      }
    }
    if (int rc = rte_dev_probe(port->devargs_.c_str()); rc != 0) {
      fail(port->devargs_, "rte_dev_probe", rc);
    }
    port->probed_by_us_ = true;
    std::optional<uint16_t> id = port_by_name(device_name);
    if (!id) {
      throw std::runtime_error("cannot open DPDK port '" + config.devargs +
                               "': probed, but no ethdev port is named '" + device_name + "'");
    }
    port->port_id_ = *id;
  }

  const uint16_t pid = port->port_id_;
  char name[RTE_ETH_NAME_MAX_LEN] = {};
  rte_eth_dev_get_name_by_port(pid, name);
  port->name_ = name;
  rte_eth_dev_info info{};
  if (int rc = rte_eth_dev_info_get(pid, &info); rc != 0) fail(config.devargs, "dev_info", rc);
  const int socket = rte_eth_dev_socket_id(pid);

  // Pool: af_xdp buffers are UMEM chunks (one page each); af_packet buffers take a whole
  // ring frame; everything else holds the configured frame.
  const std::string pool_name = "vxsn_port" + std::to_string(pid);
  if (kind == PortKind::kAfXdp) {
    port->pool_ = create_page_sized_mbuf_pool(pool_name, config.mbuf_count, socket);
  } else {
    uint32_t room = RTE_PKTMBUF_HEADROOM + config.max_frame_len;
    if (kind == PortKind::kAfPacket) {
      const std::optional<std::string> framesz = devargs_value(port->devargs_, "framesz");
      room = std::max<uint32_t>(room, RTE_PKTMBUF_HEADROOM + (framesz ? std::stoul(*framesz)
                                                                      : kAfPacketDefaultFrameSize));
    }
    port->pool_ = create_mbuf_pool(pool_name, config.mbuf_count,
                                   std::min<uint32_t>(room, UINT16_MAX), socket);
  }

  uint32_t limit = pmd_frame_limit(kind, port->devargs_, port->pool_, info);
  rte_eth_conf conf{};
  if (kind == PortKind::kOther) {
    // Real NICs size their receive buffers from the MTU given at configure time.
    // (Never rte_eth_dev_set_mtu on af_packet/af_xdp: their kernel side decides.)
    // ethdev refuses an MTU whose frame (MTU + the PMD's L2 overhead, CRC included)
    // exceeds max_rx_pktlen: net_tap takes 1504, not 1508.
    const uint32_t overhead = info.max_mtu != UINT16_MAX && info.max_rx_pktlen > info.max_mtu
                                  ? info.max_rx_pktlen - info.max_mtu
                                  : RTE_ETHER_HDR_LEN + RTE_ETHER_CRC_LEN;
    const uint32_t largest_mtu = std::min<uint32_t>(
        info.max_mtu, info.max_rx_pktlen > overhead ? info.max_rx_pktlen - overhead : info.max_mtu);
    const uint32_t wanted_mtu = std::min(config.max_frame_len, limit) - kEthHeaderLen;
    conf.rxmode.mtu = static_cast<uint16_t>(std::clamp<uint32_t>(
        wanted_mtu, info.min_mtu, std::max<uint32_t>(info.min_mtu, largest_mtu)));
    limit = std::min<uint32_t>(limit, conf.rxmode.mtu + kEthHeaderLen);
    if (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS) {
      conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
    }
  }
  if (!port->kernel_ifname_.empty()) {
    if (std::optional<uint32_t> mtu = kernel_iface_mtu(port->kernel_ifname_)) {
      limit = std::min(limit, *mtu + kEthHeaderLen);
    }
  }
  port->max_frame_len_ = std::min(config.max_frame_len, limit);

  check_queue_counts(config, port->devargs_, info);
  if (config.rx_queues > 1 && outer_rss_types(info) != 0) {
    conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
    conf.rx_adv_conf.rss_conf.rss_hf = outer_rss_types(info);
    port->rss_hf_ = conf.rx_adv_conf.rss_conf.rss_hf;
  }
  // Some PMDs (net_tap) insist on as many TX as RX queues: offer that where the PMD has
  // them; the datapath sends on the first tx_queues only.
  const uint16_t tx_queues = std::max<uint16_t>(
      config.tx_queues,
      std::min<uint16_t>(config.rx_queues, static_cast<uint16_t>(info.max_tx_queues)));
  if (int rc = rte_eth_dev_configure(pid, config.rx_queues, tx_queues, &conf); rc != 0) {
    fail(port->devargs_, "rte_eth_dev_configure", rc);
  }
  port->configured_ = true;
  uint16_t rx_ring = config.rx_ring != 0        ? config.rx_ring
                     : kind == PortKind::kAfXdp ? kAfXdpRxRing
                                                : kDefaultRxRing;
  uint16_t tx_ring = config.tx_ring;
  if (int rc = rte_eth_dev_adjust_nb_rx_tx_desc(pid, &rx_ring, &tx_ring); rc != 0) {
    fail(port->devargs_, "rte_eth_dev_adjust_nb_rx_tx_desc", rc);
  }
  for (uint16_t q = 0; q < config.rx_queues; ++q) {
    if (int rc = rte_eth_rx_queue_setup(pid, q, rx_ring, socket, nullptr, port->pool_); rc != 0) {
      if (port->is_af_xdp_) {
        throw QueueBusyError("cannot open DPDK port '" + port->devargs_ +
                             "': AF_XDP socket setup failed (queue " + std::to_string(q) + " of " +
                             port->kernel_ifname_ + " busy or unusable)");
      }
      fail(port->devargs_, "rte_eth_rx_queue_setup", rc);
    }
  }
  for (uint16_t q = 0; q < tx_queues; ++q) {
    if (int rc = rte_eth_tx_queue_setup(pid, q, tx_ring, socket, nullptr); rc != 0) {
      fail(port->devargs_, "rte_eth_tx_queue_setup", rc);
    }
  }
  port->rx_queues_ = config.rx_queues;
  port->tx_queues_ = tx_queues;
  if (config.before_start) config.before_start(pid);
  if (int rc = rte_eth_dev_start(pid); rc != 0) fail(port->devargs_, "rte_eth_dev_start", rc);
  // Not every PMD implements promiscuous control (-ENOTSUP); kernel-backed ports see what
  // the kernel sees regardless.
  rte_eth_promiscuous_disable(pid);

  if (port->is_af_xdp_) {
    port->leaked_by_pmd_ = fds_added(port->fds_before_open_, af_xdp_related_fds());
    for (const TrackedFd& t : port->leaked_by_pmd_)
      if (t.kind == kAfXdpSocketKind) port->xsk_fds_.push_back(t.fd);
  }
  port->open_complete_ = true;

  rte_ether_addr mac{};
  rte_eth_macaddr_get(pid, &mac);
  std::memcpy(port->mac_.bytes.data(), mac.addr_bytes, port->mac_.bytes.size());

  if (port->max_frame_len_ < config.max_frame_len) {
    spdlog::warn(
        "DPDK port {} carries frames up to {} bytes only (configured max_frame_len {}{}); "
        "larger copies are dropped",
        port->name_, port->max_frame_len_, config.max_frame_len,
        port->kernel_ifname_.empty() ? "" : ", interface " + port->kernel_ifname_);
  }
  spdlog::info("DPDK port {} (id {}) open: {} mac {} max frame {}, {} RX queue(s) ({}), {} TX",
               port->name_, pid, port->devargs_, port->mac_.to_string(), port->max_frame_len_,
               port->rx_queues_,
               port->rx_queues_ == 1 ? "one queue"
               : port->rss_hf_ != 0  ? "RSS on the outer IP/UDP headers"
                                     : "spread by the PMD's kernel side",
               port->tx_queues_);
  return port;
}

DpdkPort::~DpdkPort() {
  close();
}

void DpdkPort::close() {
  if (probed_by_us_ || configured_) {
    rte_eth_dev_info info{};
    const bool have_device = rte_eth_dev_info_get(port_id_, &info) == 0 && info.device;
    rte_eth_dev_stop(port_id_);
    rte_eth_dev_close(port_id_);
    // Hot-unplug what we hot-plugged, so the same devargs can be probed again.
    if (probed_by_us_ && have_device) rte_dev_remove(info.device);
    probed_by_us_ = configured_ = false;
  }
  if (is_af_xdp_) {
    // A failed open has not recorded its sockets yet; nothing else opens ports meanwhile.
    if (!open_complete_) leaked_by_pmd_ = fds_added(fds_before_open_, af_xdp_related_fds());
    xsk_fds_.clear();
    if (int n = close_fds(leaked_by_pmd_); n > 0) {
      spdlog::debug("DPDK port {}: closed {} descriptor(s) the PMD left open", name_, n);
    }
    leaked_by_pmd_.clear();
  }
  if (is_af_xdp_ && !kernel_ifname_.empty()) {
    // The PMD removes its program on close; make sure, the kernel must keep its traffic.
    try {
      detach_xdp_programs(kernel_ifname_);
    } catch (const std::exception& e) {
      spdlog::warn("DPDK port {}: {}", name_, e.what());
    }
  }
  if (pool_ != nullptr) {
    rte_mempool_free(pool_);
    pool_ = nullptr;
  }
}

void DpdkPort::restart(const std::function<void()>& while_stopped) {
  if (int rc = rte_eth_dev_stop(port_id_); rc != 0) fail(devargs_, "rte_eth_dev_stop", rc);
  while_stopped();
  if (int rc = rte_eth_dev_start(port_id_); rc != 0) fail(devargs_, "rte_eth_dev_start", rc);
}

uint16_t DpdkPort::rx_burst(rte_mbuf** pkts, uint16_t n, uint16_t queue) {
  return rte_eth_rx_burst(port_id_, queue, pkts, n);
}

uint16_t DpdkPort::tx_burst(rte_mbuf** pkts, uint16_t n, uint16_t queue) {
  return rte_eth_tx_burst(port_id_, queue, pkts, n);
}

DpdkPort::Stats DpdkPort::stats() const {
  rte_eth_stats s{};
  if (rte_eth_stats_get(port_id_, &s) != 0) return Stats{};
  Stats out{s.ipackets, s.opackets, s.ibytes, s.obytes, s.imissed, s.ierrors, s.oerrors};
  if (!xsk_fds_.empty()) out.rx_ring_full = xsk_statistics(xsk_fds_).rx_ring_full;
  return out;
}

}  // namespace vxsn
