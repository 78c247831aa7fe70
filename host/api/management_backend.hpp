// What the management API needs of the daemon, in plain C++ so the daemon never sees
// generated Thrift types. The API server validates and converts arguments (a VNI in range,
// a parsed address) before calling; the backend applies policy and throws ManagementError
// with a typed code for every refusal. Calls arrive on the API server's threads.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "driver/net_types.hpp"
#include "host/config/config.hpp"
#include "host/datapath/counters.hpp"
#include "host/table/entries_by_source.hpp"

namespace vxsn {

enum class ManagementErrorCode {
  kInvalidArgument,   // `subject` names the field (or config key)
  kNotFound,          // `subject` names what is missing
  kCapacityExceeded,  // `subject` names the limit
  kNotPermitted,
};

class ManagementError : public std::runtime_error {
 public:
  ManagementError(ManagementErrorCode code, std::string subject, const std::string& message,
                  uint64_t capacity = 0, uint64_t requested = 0)
      : std::runtime_error(message),
        code_(code),
        subject_(std::move(subject)),
        capacity_(capacity),
        requested_(requested) {}
  ManagementErrorCode code() const { return code_; }
  const std::string& subject() const { return subject_; }
  uint64_t capacity() const { return capacity_; }    // kCapacityExceeded only
  uint64_t requested() const { return requested_; }  // kCapacityExceeded only

 private:
  ManagementErrorCode code_;
  std::string subject_;
  uint64_t capacity_;
  uint64_t requested_;
};

// Bit values of a member's sources, the same as EntrySource in host/table.
inline constexpr uint8_t kSourceStatic = 1, kSourceRegistered = 2, kSourceLearned = 4,
                         kSourcePeer = 8;

struct CardInfo {
  std::string backend, device, kernel_version;
  uint32_t layout_version = 0;
  bool enabled = false;
  uint32_t active_bank = 0;
  uint64_t table_version = 0, tables_loaded = 0;
  uint64_t vnis = 0, vni_capacity = 0, members = 0, member_capacity = 0;
  std::map<std::string, uint64_t> left_out;  // what the card could not hold, by reason
  std::string run_mode;                      // CardStatus::run_mode ("" for emu)
};

struct NodeStatus {
  std::string node_id;
  std::string datapath_mode;
  double uptime_s = 0;
  std::vector<IpAddr> service_addresses;
  uint16_t vxlan_port = 0;
  uint64_t table_generation = 0;
  uint64_t vnis = 0, members = 0, unresolved_members = 0;
  EntriesBySource entries_by_source;  // the table manager's entries by origin
  uint64_t max_vnis = 0, max_members_per_vni = 0, max_entries = 0;
  std::optional<CardInfo> card;
};

struct MemberInfo {
  IpAddr address;
  uint8_t sources = 0;  // kSource* bits
  uint64_t age_s = 0;
  std::optional<uint64_t> expires_in_s;  // nullopt: never
};

struct VniInfo {
  uint32_t vni = 0;
  uint32_t members = 0, static_members = 0, registered = 0, learned = 0, peer = 0;
};

struct VniPageResult {
  std::vector<VniInfo> vnis;  // ascending
  bool more = false;
  uint64_t total = 0;
};

struct ReplaceOutcome {
  uint32_t added = 0, removed = 0, kept = 0;
};

struct PortCountersInfo {
  std::string name, kernel_ifname;
  uint64_t rx_packets = 0, tx_packets = 0, rx_bytes = 0, tx_bytes = 0;
  uint64_t rx_missed = 0, rx_errors = 0, tx_errors = 0;
  uint64_t rx_ring_full = 0;  // AF_XDP: dropped by the kernel, the socket's RX ring full
  std::string mac;            // the stats file shows these two; the API does not
  uint32_t max_frame_len = 0;
};

// Running totals since the daemon started; the API server subtracts its reset baseline.
struct CountersInfo {
  DatapathCountersSnapshot datapath;
  uint64_t host_frames = 0;
  std::vector<std::pair<uint32_t, VniCountersSnapshot>> vnis;  // ascending VNI
  std::vector<PortCountersInfo> ports;
};

struct PeerInfo {
  std::string node_id, address, state;  // state: unknown, syncing, up, down
  uint64_t lag_ms = 0, last_sequence = 0;
  uint64_t advertised_sequence = 0;  // the last sequence the peer said it published
  int64_t silent_ms = -1;            // since last heard, -1 if never
  uint64_t resyncs = 0, gaps = 0;
};

struct ConfigText {
  std::string path;
  std::string toml;
};

struct ReloadOutcome {
  uint64_t table_generation = 0;
  std::vector<std::string> restart_required;
};

class ManagementBackend {  // thread-safe
 public:
  virtual ~ManagementBackend() = default;

  virtual NodeStatus node_status() = 0;
  // VNIs with members, ascending, greater than `after_vni`, at most `limit`.
  virtual VniPageResult list_vnis(uint32_t after_vni, uint32_t limit) = 0;
  // kNotFound when the VNI has no members.
  virtual std::vector<MemberInfo> list_members(uint32_t vni) = 0;
  // Adds a static member; kCapacityExceeded (nothing changed), kNotPermitted.
  virtual MemberInfo add_member(uint32_t vni, const IpAddr& address) = 0;
  // Several at once, one table change; all or nothing. `addresses` has no duplicates.
  virtual std::vector<MemberInfo> add_members(uint32_t vni,
                                              const std::vector<IpAddr>& addresses) = 0;
  // kNotFound, kNotPermitted.
  virtual void remove_member(uint32_t vni, const IpAddr& address) = 0;
  // Returns how many entries lost their learned source; kNotFound for an unknown VNI.
  virtual uint32_t flush_learned(uint32_t vni) = 0;
  // Appends a [[storm_control.vni]] rule to the running config and applies it.
  virtual void set_storm_control(const StormRule& rule) = 0;
  // `addresses` are distinct. kCapacityExceeded (nothing changed), kNotPermitted.
  virtual ReplaceOutcome replace_static_members(uint32_t vni,
                                                const std::vector<IpAddr>& addresses) = 0;
  virtual CountersInfo counters() = 0;
  virtual std::vector<PeerInfo> peers() = 0;
  virtual ConfigText running_config() = 0;
  // kInvalidArgument with the config key when the file is refused (nothing changed).
  virtual ReloadOutcome reload_config() = 0;
};

}  // namespace vxsn
