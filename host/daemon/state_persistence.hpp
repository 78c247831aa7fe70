// The daemon's state file ([node] state_file): read and decoded at start on a thread of its
// own while the EAL and the ports come up, restored into the table before the first table
// is published, saved every state_interval_ms off the control loop, and saved once more at
// shutdown. A file that cannot be used (corrupt, truncated, another version) is logged with
// the reason and ignored: the daemon starts with an empty table.
#pragma once

#include <future>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "host/config/config.hpp"
#include "host/daemon/table_pipeline.hpp"
#include "host/state/state_loader.hpp"
#include "host/state/state_saver.hpp"

namespace vxsn {

class StatePersistence {
 public:
  // Starts reading the file when one is configured.
  explicit StatePersistence(const Config& config);
  ~StatePersistence();

  bool enabled() const { return saver_ != nullptr; }
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
  std::future<LoadedState> loading_;
  LoadedState loaded_;     // what the read found (its state moved into the table)
  double wait_ms_ = 0;     // how long restore_into() waited for the read
  double restore_ms_ = 0;  // putting the sources into the table
  RestoreCounts restored_;
  double last_collect_ms_ = 0;  // the control loop's share of the last save
};

}  // namespace vxsn
