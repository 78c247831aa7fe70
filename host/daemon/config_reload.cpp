#include "host/daemon/config_reload.hpp"

#include "host/config/static_members.hpp"
#include "host/table/vni_policy_rules.hpp"

namespace vxsn {

std::vector<std::string> restart_only_changes(const Config& running, const Config& fresh,
                                              bool ha_changed) {
  std::vector<std::string> restart;
  bool ports_changed = fresh.ports.size() != running.ports.size();
  for (size_t i = 0; !ports_changed && i < fresh.ports.size(); ++i)
    ports_changed = fresh.ports[i].device != running.ports[i].device;
  if (ports_changed) restart.push_back("port");
  bool frame_len_changed = false;
  for (size_t i = 0; !ports_changed && i < fresh.ports.size(); ++i)
    frame_len_changed |= fresh.ports[i].max_frame_len != running.ports[i].max_frame_len;
  if (frame_len_changed) restart.push_back("port.max_frame_len");
  bool queues_changed = false;
  for (size_t i = 0; !ports_changed && i < fresh.ports.size(); ++i)
    queues_changed |= fresh.ports[i].rx_queues != running.ports[i].rx_queues;
  if (queues_changed) restart.push_back("port.rx_queues");
  bool kernel_path_changed = false;
  for (size_t i = 0; !ports_changed && i < fresh.ports.size(); ++i)
    kernel_path_changed |= fresh.ports[i].kernel_interface != running.ports[i].kernel_interface;
  if (kernel_path_changed) restart.push_back("port.kernel_interface");
  if (!(fresh.datapath_lcores == running.datapath_lcores)) restart.push_back("datapath.lcores");
  if (fresh.node_id != running.node_id) restart.push_back("node.id");
  if (fresh.vxlan_port != running.vxlan_port) restart.push_back("node.vxlan_port");
  if (fresh.eal_args != running.eal_args) restart.push_back("datapath.eal_args");
  if (fresh.datapath != running.datapath) restart.push_back("datapath.mode");
  if (!(fresh.card == running.card)) restart.push_back("datapath.card");
  if (!(fresh.api == running.api)) restart.push_back("api");
  if (fresh.metrics.enabled != running.metrics.enabled ||
      fresh.metrics.address != running.metrics.address ||
      fresh.metrics.port != running.metrics.port)
    restart.push_back("metrics.listen");
  if (ha_changed) restart.push_back("ha");
  if (fresh.health_file != running.health_file ||
      fresh.health_interval_ms != running.health_interval_ms)
    restart.push_back("node.health_file");
  if (fresh.state_file != running.state_file) restart.push_back("node.state_file");
  if (fresh.state_interval_ms != running.state_interval_ms)
    restart.push_back("node.state_interval_ms");
  // The datapath's learn filter and the table's ageing wheel are built at start.
  if (fresh.table.learn_rate != running.table.learn_rate) restart.push_back("table.learn_rate");
  if (fresh.table.ageing_interval_ms != running.table.ageing_interval_ms)
    restart.push_back("table.ageing_interval_ms");
  return restart;
}

bool same_layout(const Config& a, const Config& b) {
  return a.ttl == b.ttl && a.keep_source_ip == b.keep_source_ip && a.own_v4 == b.own_v4 &&
         a.own_v6 == b.own_v6 && VniPolicyRules(a) == VniPolicyRules(b) && a.storm == b.storm;
}

void apply_reloadable(Config& running, Config&& fresh, std::vector<StaticVni>& file_vnis) {
  running.vnis = apply_file_change(running.vnis, file_vnis, fresh.vnis);
  file_vnis = std::move(fresh.vnis);
  running.table = fresh.table;
  running.allow = std::move(fresh.allow);
  running.learning = std::move(fresh.learning);
  running.source_check = std::move(fresh.source_check);
  running.storm = std::move(fresh.storm);
  running.ttl = fresh.ttl;
  running.keep_source_ip = fresh.keep_source_ip;
  running.own_v4 = fresh.own_v4;
  running.own_v6 = fresh.own_v6;
  running.stats_interval_ms = fresh.stats_interval_ms;
  running.stats_file = fresh.stats_file;
  running.log_level = fresh.log_level;
  running.metrics.top_vnis = fresh.metrics.top_vnis;
}

}  // namespace vxsn
