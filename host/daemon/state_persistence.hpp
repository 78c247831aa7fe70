// The daemon's state file ([node] state_file): read and decoded at start on a thread of its
// own while the EAL and the ports come up, with the warm table (host/state/warm_table.hpp)
// built from it there too; the warm table is published as soon as the datapath exists,
// then the sources are restored into the table manager, whose first table follows. Saved
// every state_interval_ms off the control loop, and once more at shutdown. A file that cannot be
// used (corrupt, truncated, another version) is logged with the reason and ignored: the daemon
// starts with an empty table.
#pragma once

#include <future>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "host/config/config.hpp"
#include "host/daemon/table_pipeline.hpp"
#include "host/state/state_loader.hpp"
#include "host/state/state_saver.hpp"
#include "host/state/warm_table.hpp"

namespace vxsn {

class StatePersistence {
 public:
  // Starts reading the file when one is configured.
  explicit StatePersistence(const Config& config);
  ~StatePersistence();

  bool enabled() const { return saver_ != nullptr; }
  // Waits for the read and publishes its warm table through `table` (before
  // restore_into()), compiled on `compile_cpus` (TablePipeline::warm_start). False when there is
  // none: no file, an unusable one, nothing in it, or more than the [table] limits (logged).
  bool warm_start(TablePipeline& table, const std::vector<unsigned>& compile_cpus);
  // Waits for the read and puts what it found into `table` (before table.start()).
  void restore_into(TablePipeline& table);
  // The periodic save: the state is collected here (control thread), written elsewhere.
  void save_async(const TablePipeline& table);
  // At shutdown, once nothing changes the table any more.
  void save_now(const TablePipeline& table);

  // Start-up figures for the start log line ("" when off).
  std::string start_summary() const;
  nlohmann::json stats_json() const;

 private:
  std::unique_ptr<StateSaver> saver_;
  struct Loaded {
    LoadedState file;
    WarmTable warm;
  };
  // The read, once: waits for the loader thread the first time.
  LoadedState& loaded();

  std::future<Loaded> loading_;
  LoadedState loaded_;  // what the read found (its state moved into the table)
  WarmTable warm_;      // its VNIs moved into the table by warm_start()
  TablePipeline::PublishTimes warm_times_;
  bool warm_published_ = false;
  double wait_ms_ = 0;     // how long restore_into() waited for the read
  double restore_ms_ = 0;  // putting the sources into the table
  RestoreCounts restored_;
  double last_collect_ms_ = 0;  // the control loop's share of the last save
};

}  // namespace vxsn
