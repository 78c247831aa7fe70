#include "driver/steering/flow_api.hpp"

#include <rte_errno.h>

namespace vxsn {
namespace {

std::string describe(const rte_flow_error& e, int rc) {
  const std::string reason = rte_strerror(rc < 0 ? -rc : rc);
  return e.message ? std::string(e.message) + " (" + reason + ")" : reason;
}

int checked(int rc, const rte_flow_error& e, std::string& error) {
  if (rc != 0) error = describe(e, rc);
  return rc;
}

}  // namespace

int RteFlowApi::validate(uint16_t port, const rte_flow_attr& attr, const rte_flow_item* pattern,
                         const rte_flow_action* actions, std::string& error) {
  rte_flow_error e{};
  return checked(rte_flow_validate(port, &attr, pattern, actions, &e), e, error);
}

FlowHandle RteFlowApi::create(uint16_t port, const rte_flow_attr& attr,
                              const rte_flow_item* pattern, const rte_flow_action* actions,
                              std::string& error) {
  rte_flow_error e{};
  FlowHandle flow = rte_flow_create(port, &attr, pattern, actions, &e);
  if (flow == nullptr) error = describe(e, -rte_errno);
  return flow;
}

int RteFlowApi::destroy(uint16_t port, FlowHandle flow, std::string& error) {
  rte_flow_error e{};
  return checked(rte_flow_destroy(port, flow, &e), e, error);
}

int RteFlowApi::isolate(uint16_t port, bool on, std::string& error) {
  rte_flow_error e{};
  return checked(rte_flow_isolate(port, on ? 1 : 0, &e), e, error);
}

int RteFlowApi::flush(uint16_t port, std::string& error) {
  rte_flow_error e{};
  return checked(rte_flow_flush(port, &e), e, error);
}

int RteFlowApi::query_count(uint16_t port, FlowHandle flow, uint64_t& hits, std::string& error) {
  const rte_flow_action count[] = {{RTE_FLOW_ACTION_TYPE_COUNT, nullptr},
                                   {RTE_FLOW_ACTION_TYPE_END, nullptr}};
  rte_flow_query_count q{};
  rte_flow_error e{};
  const int rc = rte_flow_query(port, flow, count, &q, &e);
  if (rc != 0) return checked(rc, e, error);
  hits = q.hits_set ? q.hits : 0;
  return 0;
}

}  // namespace vxsn
