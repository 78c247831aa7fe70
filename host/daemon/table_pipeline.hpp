// The daemon's table component: membership (the table manager: static, registered,
// learned and peers' entries, with ageing) -> each member's next hop (netlink resolver)
// -> the incremental compiler -> a new flood table for the forwarding component. Control
// thread, except that the resolver and the registration server wake it through fds.
#pragma once

#include <memory>
#include <unordered_map>
#include <vector>

#include "driver/dpdk/port.hpp"
#include "host/config/config.hpp"
#include "host/daemon/event_loop.hpp"
#include "host/daemon/forwarding.hpp"
#include "host/daemon/table_compiler.hpp"
#include "host/datapath/vni_counter_registry.hpp"
#include "host/nexthop/next_hop_resolver.hpp"
#include "host/state/state_file.hpp"
#include "host/table/incremental_compiler.hpp"
#include "host/table/table_manager.hpp"

namespace vxsn {

class TablePipeline {
 public:
  // `ports`, `vni_counters` and `forwarding` outlive this.
  TablePipeline(const Config& config, const std::vector<DpdkPort*>& ports,
                VniCounterRegistry& vni_counters, Forwarding& forwarding);
  ~TablePipeline();

  // Before start(): the state file's registered and learned sources into the table, and
  // its next hops as the resolver's first answers, so the first table already sends to
  // members that were resolved before the restart.
  RestoreCounts restore(StateContents&& saved);
  // What the state file keeps now: the table's registered and learned sources and the
  // resolved next hops of its members (the table's lock is held for the copy).
  StateContents collect_state() const;

  // How long the parts of a publish() took.
  struct PublishTimes {
    double targets_ms = 0;  // member addresses handed to the resolver (and seeded)
    double compile_ms = 0;  // the incremental compiler's build
    double publish_ms = 0;  // the forwarding component taking the table
  };
  // Before restore(): publishes `vnis` (the state file's warm table, host/state/
  // warm_table.hpp) with `hops` as their next hops, so the datapath floods to restored
  // members while the table manager is still taking its entries back. start() then
  // recompiles only the VNIs where the manager's view differs.
  // `addresses`: every member address of `vnis` once. Compiled on a thread per CPU of
  // `compile_cpus` (the datapath's CPUs are idle until it polls; empty: this thread).
  PublishTimes warm_start(std::vector<VniChange> vnis, std::vector<IpAddr> addresses,
                          const std::vector<std::pair<IpAddr, NextHop>>& hops,
                          const std::vector<unsigned>& compile_cpus = {});
  // Resolves the static members' next hops and publishes the first table, compiled on a
  // thread per CPU of `compile_cpus` (only while the datapath does not poll; empty: this
  // thread).
  PublishTimes start(const std::vector<unsigned>& compile_cpus = {});
  void stop();

  TableManager& manager() { return *manager_; }
  const TableManager& manager() const { return *manager_; }

  // Compiles what changed since the last table and hands it to the forwarding component
  // (nothing changed: no new table).
  void publish(const std::vector<unsigned>& compile_cpus = {});
  // The replication parameters or per-VNI policies changed: every VNI compiles again.
  void set_layout(const Config& config);
  // Learn events, ageing, and the batch of membership changes since the last tick.
  void tick();
  // Learn events the datapath reported since the last tick, into the table (at exit).
  void take_learn_events();

  // Readable when next hops changed (handle with next_hops_changed) or when another
  // thread (registrations) changed the table (handle with changed_elsewhere).
  int next_hops_fd() const { return next_hops_changed_.fd(); }
  int changed_elsewhere_fd() const { return changed_elsewhere_.fd(); }
  void next_hops_changed();
  void changed_elsewhere();

  uint64_t generation() const { return generation_; }
  const TableSummary& summary() const { return summary_; }

 private:
  void learn(uint32_t vni, const IpAddr& vtep);
  // Builds what the compiler was given (on a thread per CPU of `compile_cpus`, this thread
  // among them, while only this build runs there) and hands it to the forwarding component.
  void build_and_publish(const std::vector<unsigned>& compile_cpus = {});
  void remember_compiled_hops();
  void set_resolver_targets(std::vector<IpAddr> addresses);

  const std::vector<DpdkPort*>& ports_;
  VniCounterRegistry& vni_counters_;
  Forwarding& forwarding_;
  Wakeup next_hops_changed_;
  Wakeup changed_elsewhere_;
  std::unique_ptr<NextHopResolver> resolver_;
  std::unique_ptr<TableManager> manager_;
  std::unique_ptr<IncrementalCompiler> compiler_;
  std::unordered_map<IpAddr, NextHop, IpAddrHash> compiled_hops_;  // as of the last diff
  uint64_t generation_ = 0;
  TableSummary summary_;
  PublishTimes last_times_;
  std::vector<std::pair<IpAddr, NextHop>> seed_hops_;  // restore() until start()
};

}  // namespace vxsn
