// The daemon's configuration: one TOML file, overridable by command-line flags.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "driver/net_types.hpp"
#include "host/datapath/flood_policy.hpp"

namespace vxsn {

// The card of datapath mode fpga: which XRT device, and the xclbin to load into it.
struct CardSettings {
  unsigned device = 0;
  std::string xclbin;
  bool operator==(const CardSettings&) const = default;
};

struct PortSettings {
  std::string device;             // EAL device string, e.g. "net_af_xdp0,iface=sn0"
  uint32_t max_frame_len = 9216;  // largest underlay frame to carry whole
  uint16_t rx_queues = 0;         // 0: one per datapath lcore
  // Non-empty: a port the kernel does not own (a NIC bound to vfio). vxsnd makes a TAP of
  // this name with the port's MAC; the steering policy's host frames go into it and what
  // the kernel sends on it goes out of the port (host/daemon/kernel_path.hpp).
  std::string kernel_interface;
};

// [datapath] lcores: how many datapath lcores (a count, each pinned to one of the last
// CPUs), or which CPUs (a list). Default 1: a 2-core machine keeps a core for the control
// loop, the API and the VTEPs around it.
struct DatapathLcores {
  unsigned count = 1;
  std::vector<unsigned> cpus;  // non-empty: exactly these CPUs
  unsigned lane_count() const { return cpus.empty() ? count : static_cast<unsigned>(cpus.size()); }
  bool operator==(const DatapathLcores&) const = default;
};

struct StaticVni {
  uint32_t vni = 0;
  std::vector<IpAddr> members;
};

// An inclusive range of VNIs, e.g. "100-199" in the file; absent means every VNI.
struct VniRange {
  uint32_t first = 0;
  uint32_t last = (1u << 24) - 1;
  bool contains(uint32_t vni) const { return vni >= first && vni <= last; }
  bool operator==(const VniRange&) const = default;
};

// An address prefix, "10.0.0.0/8" or "fd00::/16"; a bare address is a host prefix.
struct IpPrefix {
  IpAddr addr;         // host bits cleared
  uint8_t length = 0;  // 0..32 or 0..128
  bool contains(const IpAddr& a) const;
  std::string to_string() const;
  static std::optional<IpPrefix> parse(std::string_view text);
};

// [[allow]]: who may register (or be learned) in a range of VNIs. A VNI covered by any
// rule accepts only addresses inside the prefixes of the rules covering it.
struct AllowRule {
  VniRange vnis;
  std::vector<IpPrefix> prefixes;
};

// [[learning]]: learning from the datapath switched on or off for a range of VNIs. The
// last rule covering a VNI wins; a VNI no rule covers follows table.learning.
struct LearningRule {
  VniRange vnis;
  bool enabled = true;
};

// [[source_check]]: who may flood into a range of VNIs (see SourceCheck). The last rule
// covering a VNI wins; a VNI no rule covers follows table.source_check.
struct SourceCheckRule {
  VniRange vnis;
  SourceCheck mode = SourceCheck::kLearn;
  bool operator==(const SourceCheckRule&) const = default;
};

// [[storm_control.vni]]: a per-VNI policer for a range of VNIs (each VNI its own bucket);
// the last rule covering a VNI wins, a VNI no rule covers has storm_control.vni_*.
struct StormRule {
  VniRange vnis;
  PolicerRate rate;
  bool operator==(const StormRule&) const = default;
};

// [storm_control]: token-bucket policers in front of replication (0 = no limit).
struct StormSettings {
  PolicerRate per_vni;   // vni_frames_per_s, vni_bytes_per_s
  PolicerRate per_vtep;  // vtep_frames_per_s, vtep_bytes_per_s: a source VTEP over all VNIs
  uint32_t burst_ms = 100;
  std::vector<StormRule> rules;
  bool operator==(const StormSettings&) const = default;
};

// Why `rate` cannot police with buckets of `burst_ms` (a bucket below one frame, or one
// largest frame's bytes, would never let such a frame through): the field
// ("frames_per_s" / "bytes_per_s") and a message; nothing if it can.
struct StormRateProblem {
  std::string field;
  std::string message;
};
std::optional<StormRateProblem> storm_rate_problem(const PolicerRate& rate, uint32_t burst_ms);

// [table]: limits and timers of the table manager.
struct TableSettings {
  uint32_t max_vnis = 65536;
  uint32_t max_members_per_vni = 4096;
  uint32_t max_entries = 1u << 20;
  // Per requester address, per (VNI, VTEP) registered. vxrd refreshes all its VNIs at once
  // every holdtime/3, so the burst must hold one VTEP's whole refresh.
  uint32_t registration_rate = 1000;   // registrations per second, refilled continuously
  uint32_t registration_burst = 8192;  // token-bucket depth
  uint32_t holdtime_s = 90;            // holdtime the node announces to registering VTEPs
  // Registrations asking for longer (or "never expires") are clamped to this and counted.
  // Keep it above the VTEPs' refresh interval (vxrd: its holdtime / 3).
  uint32_t max_holdtime_s = 900;
  // Registrations held at once per vxrd identifier and per requester address; excess refused
  // and counted by reason.
  uint32_t max_registrations_per_identifier = 4096;
  uint32_t max_registrations_per_source = 4096;
  // Amplification bound: the replies to one registration datagram hold at most this many
  // times its UDP payload bytes (the rest is left out and counted).
  uint32_t registration_reply_factor = 4;
  uint32_t learn_holdtime_s = 300;  // life of a learned entry without traffic
  // Ageing tick; a learned member's traffic refreshes it at most once per tick.
  uint32_t ageing_interval_ms = 1000;
  uint32_t learn_rate = 1000;       // learn events per second the datapath may report
  bool learning = true;             // default for VNIs no [[learning]] rule covers
  bool allow_unlisted_vnis = true;  // VNIs no [[allow]] rule covers accept any address
  SourceCheck source_check = SourceCheck::kLearn;  // VNIs no [[source_check]] rule covers
};

// [api]: the management API server inside vxsnd. The Unix socket is always on (unless its
// path is empty); TCP only when tcp_port is set, and then only with TLS and client
// certificates.
struct ApiSettings {
  std::string socket_path = "/run/vxsn/vxsnd.sock";
  std::string socket_group;  // group owning the socket (mode 0660); empty: the daemon's
  std::string tcp_address = "::";
  uint16_t tcp_port = 0;                    // 0: no TCP listener
  std::string tls_cert, tls_key, tls_ca;    // PEM files; all three required with tcp_port
  uint32_t max_connections = 16;            // per listener; more wait in the accept queue
  uint32_t max_connections_per_source = 4;  // TLS: more from one address are closed at accept
  uint32_t max_request_bytes = 1u << 20;    // largest frame / message a client may send
  uint32_t idle_timeout_ms = 30000;         // a connection silent this long is closed, and a
                                            // TLS handshake not done by then (from accept)
  bool operator==(const ApiSettings&) const = default;
};

// [metrics]: the Prometheus endpoint inside vxsnd. Off unless `listen` is set; a bare port
// listens on localhost only, so the counters are never exposed to the network by accident.
struct MetricsSettings {
  bool enabled = false;
  std::string address = "127.0.0.1";  // IPv4 or IPv6 literal
  uint16_t port = 9464;
  uint32_t top_vnis = 100;  // VNIs listed by name in a scrape (the busiest); the rest only in sums
  bool operator==(const MetricsSettings&) const = default;
};

struct Config {
  std::string node_id = "vxsn";
  std::vector<IpAddr> service_addresses;  // outer destinations the node answers for
  uint16_t vxlan_port = 4789;
  bool keep_source_ip = true;  // copies carry the sending VTEP's address (receivers learn)
  IpAddr own_v4, own_v6;       // source of copies otherwise; default: first service address
  uint8_t ttl = 64;
  // Health for the anycast announcer beside vxsnd (host/health's vxsn-health): rewritten
  // every health_interval_ms with whether the datapath is forwarding. Empty: not written.
  std::string health_file;
  uint32_t health_interval_ms = 100;
  // Registered and learned entries (and their members' next hops) kept across a restart:
  // saved every state_interval_ms and at shutdown, restored at start. Empty: off.
  std::string state_file;
  uint32_t state_interval_ms = 10000;

  std::string datapath = "software";  // software | emu | fpga
  CardSettings card;                  // fpga only
  std::vector<std::string> eal_args;  // empty: the driver's defaults
  DatapathLcores datapath_lcores;
  std::vector<PortSettings> ports;

  std::vector<StaticVni> vnis;

  TableSettings table;
  std::vector<AllowRule> allow;
  std::vector<LearningRule> learning;
  std::vector<SourceCheckRule> source_check;
  StormSettings storm;

  ApiSettings api;
  MetricsSettings metrics;

  std::string log_level = "info";
  std::string stats_file;  // JSON counters, rewritten every stats_interval_ms
  uint32_t stats_interval_ms = 1000;
};

// A configuration mistake, located: "vxsnd.toml:12: node.ttl: must be 1..255".
class ConfigError : public std::runtime_error {
 public:
  ConfigError(std::string source, uint32_t line, std::string key, const std::string& what);
  const std::string& source() const { return source_; }
  uint32_t line() const { return line_; }
  const std::string& key() const { return key_; }

 private:
  std::string source_;
  uint32_t line_;
  std::string key_;
};

// Parses TOML text; `source` names it in errors. Throws ConfigError.
Config parse_config(std::string_view text, const std::string& source);
// Reads and parses a file. Throws ConfigError (also for an unreadable file).
Config load_config(const std::filesystem::path& path);
// Cross-field checks that also apply after command-line overrides. Throws ConfigError.
void validate_config(Config& config, const std::string& source);

}  // namespace vxsn
