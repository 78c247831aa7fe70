// The Thrift service: checks and converts arguments, calls the backend, converts results,
// and turns every ManagementError into the IDL's typed exception.
#pragma once

#include <string>

#include "host/api/api_connection_counters.hpp"
#include "host/api/counter_baseline.hpp"
#include "host/api/management_backend.hpp"
#include "vxsn_api/Management.h"

namespace vxsn {

class ManagementHandler : public api::ManagementIf {
 public:
  // `connections` reports the server's connection counters in getInfo (none: not reported).
  ManagementHandler(ManagementBackend& backend, std::string software_version,
                    ApiConnectionCountersSource connections = {});

  void getInfo(api::NodeInfo& out) override;
  void listVnis(api::VniPage& out, int32_t after_vni, int32_t limit) override;
  void listMembers(std::vector<api::Member>& out, int32_t vni) override;
  void addMember(api::Member& out, int32_t vni, const std::string& address) override;
  void addMembers(std::vector<api::Member>& out, int32_t vni,
                  const std::vector<std::string>& addresses) override;
  void removeMember(int32_t vni, const std::string& address) override;
  int32_t flushLearned(int32_t vni) override;
  void setStormControl(const api::StormLimit& limit) override;
  void replaceStaticMembers(api::ReplaceResult& out, int32_t vni,
                            const std::vector<std::string>& addresses) override;
  void getCounters(api::Counters& out) override;
  void resetCounters(api::Counters& out) override;
  void listPeers(std::vector<api::Peer>& out) override;
  void getConfig(api::ConfigDump& out) override;
  void reloadConfig(api::ReloadResult& out) override;

  static constexpr int32_t kMaxPageSize = 10000;

 private:
  ManagementBackend& backend_;
  std::string software_version_;
  ApiConnectionCountersSource connections_;
  CounterBaseline baseline_;
};

}  // namespace vxsn
