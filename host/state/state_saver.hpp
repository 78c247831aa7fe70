// Saves the state file off the control loop. The control thread collects the state (a copy
// of the table's registered and learned sources taken under the table's lock: the only part
// that stalls the loop) and hands it over; this class's thread encodes it and writes the
// file atomically. At shutdown the last save is made on the caller's thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "host/state/state_file.hpp"

namespace vxsn {

struct StateSaveStats {
  uint64_t saves = 0;     // files written
  uint64_t failures = 0;  // writes that failed (the previous file stays)
  uint64_t skipped = 0;   // periodic saves dropped: the previous one was still being written
  uint64_t last_sources = 0;
  uint64_t last_bytes = 0;
  double last_encode_ms = 0;
  double last_write_ms = 0;  // write, fsync, rename
};

class StateSaver {
 public:
  explicit StateSaver(std::string path);
  ~StateSaver();
  StateSaver(const StateSaver&) = delete;
  StateSaver& operator=(const StateSaver&) = delete;

  // Hands `state` to the writer thread; false (and counted as skipped) if the previous save
  // is still being written: the next period brings a newer state anyway.
  bool save_async(StateContents state);
  // Encodes and writes on the caller's thread, once the save in progress is done.
  bool save_now(const StateContents& state);
  StateSaveStats stats() const;
  const std::string& path() const { return path_; }

 private:
  void run();
  bool write(const StateContents& state);  // the write itself; one at a time (write_mutex_)

  const std::string path_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::optional<StateContents> pending_;
  bool busy_ = false;  // pending_ taken and being written
  bool stopping_ = false;
  StateSaveStats stats_;
  std::mutex write_mutex_;
  std::thread thread_;
};

}  // namespace vxsn
