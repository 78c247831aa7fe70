// vxsnd's side of the management API: the ManagementBackend the API server calls, applied
// to the daemon's TableManager and running config. Every call runs on the control thread
// (through the ControlQueue), so the table, the config and the datapath's table publishing
// see one change at a time, exactly as with SIGHUP.
#pragma once

#include <string>
#include <vector>

#include "host/api/management_backend.hpp"
#include "host/config/config.hpp"
#include "host/daemon/control_queue.hpp"
#include "host/table/table_manager.hpp"

namespace vxsn {

// What the service needs of the daemon; Daemon implements it. Control thread only.
class DaemonControl {
 public:
  virtual ~DaemonControl() = default;
  virtual Config& running_config() = 0;
  // The [[vni]] tables of the config file as last read.
  virtual const std::vector<StaticVni>& config_file_vnis() const = 0;
  virtual const std::string& config_file() const = 0;
  virtual TableManager& table() = 0;
  // running_config().vnis changed for `vni` alone: the table takes that VNI's new static
  // members (at that VNI's cost, not the whole config's), the datapath gets the result.
  virtual void static_members_changed(uint32_t vni) = 0;
  // The same when only `added` came and `removed` went (at the cost of those addresses).
  virtual void static_members_changed(uint32_t vni, const std::vector<IpAddr>& added,
                                      const std::vector<IpAddr>& removed) = 0;
  // The table changed by direct TableManager calls: publish it.
  virtual void table_changed() = 0;
  // running_config()'s source check or storm control changed: every VNI compiles again.
  virtual void flood_policy_changed() = 0;
  // Re-reads the config file as SIGHUP does; returns the keys that differ but change only
  // on restart. Throws ConfigError, with nothing changed.
  virtual std::vector<std::string> reload_config_file() = 0;
  virtual NodeStatus node_status() = 0;
  virtual CountersInfo counters() = 0;
  // HA peers and their replication state; empty when this node replicates with nobody.
  virtual std::vector<PeerInfo> peers() = 0;
};

class ManagementService : public ManagementBackend {
 public:
  ManagementService(DaemonControl& daemon, ControlQueue& queue);

  NodeStatus node_status() override;
  VniPageResult list_vnis(uint32_t after_vni, uint32_t limit) override;
  std::vector<MemberInfo> list_members(uint32_t vni) override;
  MemberInfo add_member(uint32_t vni, const IpAddr& address) override;
  std::vector<MemberInfo> add_members(uint32_t vni, const std::vector<IpAddr>& addresses) override;
  void remove_member(uint32_t vni, const IpAddr& address) override;
  uint32_t flush_learned(uint32_t vni) override;
  void set_storm_control(const StormRule& rule) override;
  ReplaceOutcome replace_static_members(uint32_t vni,
                                        const std::vector<IpAddr>& addresses) override;
  CountersInfo counters() override;
  std::vector<PeerInfo> peers() override;
  ConfigText running_config() override;
  ReloadOutcome reload_config() override;

 private:
  // Control thread.
  MemberInfo member_info(uint32_t vni, const IpAddr& address) const;
  bool vni_known(uint32_t vni) const;
  void refuse_service_address(const IpAddr& address) const;
  // Throws kCapacityExceeded if the table (or the card) cannot take `new_entries` more
  // entries, `new_vni` a new VNI, and a VNI of `vni_members` members.
  void check_capacity(uint64_t new_entries, bool new_vni, uint64_t vni_members);
  // Throws kInvalidArgument if the config with `vnis` as static members is not valid.
  void check_config(const std::vector<StaticVni>& vnis, const std::string& field);
  std::vector<StaticVni> with_static(uint32_t vni, std::vector<IpAddr> members) const;

  DaemonControl& daemon_;
  ControlQueue& queue_;
};

}  // namespace vxsn
