// The one test double of the project: a NIC with rte_flow offload behind the FlowApi seam
// (the test machines have none). It keeps the live flows, logs every call in order, and
// refuses what a test tells it to.
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "driver/steering/flow_api.hpp"

namespace vxsn::test {

class FlowApiDouble final : public FlowApi {
 public:
  struct Live {
    std::string vxlan_dst;  // the destination of a flow whose action is RSS, else ""
    bool counted = false;
  };

  bool offers_isolation = true;
  bool offers_count = true;
  int refuse_create_at = -1;  // the n-th create (0-based) fails
  // Called after every call: tests check invariants at each step.
  std::function<void(const std::string& call)> after_call;

  std::vector<std::string> calls;  // "isolate on", "validate", "create 3", "destroy 3", "flush"
  std::map<uintptr_t, Live> live;
  int creates = 0;
  std::map<uintptr_t, uint64_t> hits;  // what query_count reports per handle

  int validate(uint16_t, const rte_flow_attr&, const rte_flow_item*, const rte_flow_action* actions,
               std::string& error) override;
  FlowHandle create(uint16_t, const rte_flow_attr&, const rte_flow_item* pattern,
                    const rte_flow_action* actions, std::string& error) override;
  int destroy(uint16_t, FlowHandle flow, std::string& error) override;
  int isolate(uint16_t, bool on, std::string& error) override;
  int flush(uint16_t, std::string&) override;
  int query_count(uint16_t, FlowHandle flow, uint64_t& n, std::string& error) override;

  // Destinations with a live VXLAN (RSS) flow.
  std::set<std::string> vxlan_destinations() const;

 private:
  void log(std::string call);
  uintptr_t next_handle_ = 0x1000;
};

}  // namespace vxsn::test
