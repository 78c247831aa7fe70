#include "flow_api_double.hpp"

#include <arpa/inet.h>
#include <rte_errno.h>

#include <cerrno>

namespace vxsn::test {
namespace {

bool has_action(const rte_flow_action* a, rte_flow_action_type type) {
  for (; a->type != RTE_FLOW_ACTION_TYPE_END; ++a)
    if (a->type == type) return true;
  return false;
}

std::string dst_of(const rte_flow_item* p) {
  char text[INET6_ADDRSTRLEN] = {};
  for (; p->type != RTE_FLOW_ITEM_TYPE_END; ++p) {
    if (p->type == RTE_FLOW_ITEM_TYPE_IPV4 && p->spec) {
      inet_ntop(AF_INET, &static_cast<const rte_flow_item_ipv4*>(p->spec)->hdr.dst_addr, text,
                sizeof text);
      return text;
    }
    if (p->type == RTE_FLOW_ITEM_TYPE_IPV6 && p->spec) {
      inet_ntop(AF_INET6, static_cast<const rte_flow_item_ipv6*>(p->spec)->hdr.dst_addr, text,
                sizeof text);
      return text;
    }
  }
  return "";
}

}  // namespace

void FlowApiDouble::log(std::string call) {
  calls.push_back(call);
  if (after_call) after_call(call);
}

int FlowApiDouble::validate(uint16_t, const rte_flow_attr&, const rte_flow_item*,
                            const rte_flow_action* actions, std::string& error) {
  log("validate");
  if (!offers_count && has_action(actions, RTE_FLOW_ACTION_TYPE_COUNT)) {
    error = "COUNT not supported";
    return -ENOTSUP;
  }
  return 0;
}

FlowHandle FlowApiDouble::create(uint16_t, const rte_flow_attr&, const rte_flow_item* pattern,
                                 const rte_flow_action* actions, std::string& error) {
  if (creates++ == refuse_create_at) {
    log("create refused");
    error = "no room";
    return nullptr;
  }
  const uintptr_t h = next_handle_++;
  live[h] = Live{has_action(actions, RTE_FLOW_ACTION_TYPE_RSS) ? dst_of(pattern) : "",
                 has_action(actions, RTE_FLOW_ACTION_TYPE_COUNT)};
  log("create " + std::to_string(h));
  return reinterpret_cast<FlowHandle>(h);
}

int FlowApiDouble::destroy(uint16_t, FlowHandle flow, std::string& error) {
  const auto h = reinterpret_cast<uintptr_t>(flow);
  if (live.erase(h) == 0) {
    error = "unknown flow";
    return -ENOENT;
  }
  log("destroy " + std::to_string(h));
  return 0;
}

int FlowApiDouble::isolate(uint16_t, bool on, std::string& error) {
  log(on ? "isolate on" : "isolate off");
  if (!offers_isolation) {
    error = "not supported";
    return -ENOTSUP;
  }
  return 0;
}

int FlowApiDouble::flush(uint16_t, std::string&) {
  live.clear();
  log("flush");
  return 0;
}

int FlowApiDouble::query_count(uint16_t, FlowHandle flow, uint64_t& n, std::string& error) {
  const auto h = reinterpret_cast<uintptr_t>(flow);
  auto it = live.find(h);
  if (it == live.end() || !it->second.counted) {
    error = "no counter";
    return -ENOTSUP;
  }
  n = hits.count(h) ? hits.at(h) : 0;
  return 0;
}

std::set<std::string> FlowApiDouble::vxlan_destinations() const {
  std::set<std::string> out;
  for (const auto& [h, f] : live)
    if (!f.vxlan_dst.empty()) out.insert(f.vxlan_dst);
  return out;
}

}  // namespace vxsn::test
