// The one seam around rte_flow: every rte_flow call vxsn makes goes through FlowApi, so the
// enforcer's create/replace/flush sequence can be tested against a double (a NIC with
// flow offload is not something the test machines have). RteFlowApi is the real one.
#pragma once

#include <rte_flow.h>

#include <cstdint>
#include <string>

namespace vxsn {

// A flow as the PMD returned it; opaque.
using FlowHandle = rte_flow*;

class FlowApi {
 public:
  virtual ~FlowApi() = default;
  // 0 or a negative errno; `error` gets the PMD's message.
  virtual int validate(uint16_t port, const rte_flow_attr& attr, const rte_flow_item* pattern,
                       const rte_flow_action* actions, std::string& error) = 0;
  // nullptr on failure, with `error` set.
  virtual FlowHandle create(uint16_t port, const rte_flow_attr& attr, const rte_flow_item* pattern,
                            const rte_flow_action* actions, std::string& error) = 0;
  virtual int destroy(uint16_t port, FlowHandle flow, std::string& error) = 0;
  virtual int isolate(uint16_t port, bool on, std::string& error) = 0;
  virtual int flush(uint16_t port, std::string& error) = 0;
  // The COUNT action's hits of `flow`; negative errno where the PMD has no counter.
  virtual int query_count(uint16_t port, FlowHandle flow, uint64_t& hits, std::string& error) = 0;
};

class RteFlowApi final : public FlowApi {
 public:
  int validate(uint16_t port, const rte_flow_attr& attr, const rte_flow_item* pattern,
               const rte_flow_action* actions, std::string& error) override;
  FlowHandle create(uint16_t port, const rte_flow_attr& attr, const rte_flow_item* pattern,
                    const rte_flow_action* actions, std::string& error) override;
  int destroy(uint16_t port, FlowHandle flow, std::string& error) override;
  int isolate(uint16_t port, bool on, std::string& error) override;
  int flush(uint16_t port, std::string& error) override;
  int query_count(uint16_t port, FlowHandle flow, uint64_t& hits, std::string& error) override;
};

}  // namespace vxsn
