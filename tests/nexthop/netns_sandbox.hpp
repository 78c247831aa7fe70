// Throwaway network namespaces for tests: created with `ip netns add`, always deleted, and the
// calling thread moved in and back out with setns().
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace vxsn::testing {

// Runs a shell command; returns its exit status (-1 if it could not run).
int run(const std::string& command);
// Runs a shell command and returns its standard output.
std::string capture(const std::string& command);

// Polls `condition` until it holds or `limit` passes; true if it held.
bool eventually(const std::function<bool()>& condition,
                std::chrono::milliseconds limit = std::chrono::seconds(10));

// "net:[inode]" of a thread's network namespace, for comparing namespaces.
std::string netns_id_of_task(const std::string& task_ns_path);

// A long-running command (e.g. `ip monitor`) whose output goes to a file; killed, by the pid
// this object started, when destroyed.
class BackgroundCommand {
 public:
  BackgroundCommand(const std::string& command, std::string output_path);
  ~BackgroundCommand();
  BackgroundCommand(const BackgroundCommand&) = delete;
  BackgroundCommand& operator=(const BackgroundCommand&) = delete;

  bool running() const { return pid_ > 0; }
  std::string output() const;

 private:
  int pid_ = -1;
  std::string output_path_;
};

class NetnsSandbox {
 public:
  NetnsSandbox() = default;
  ~NetnsSandbox();  // leaves any entered namespace, then deletes every namespace it made
  NetnsSandbox(const NetnsSandbox&) = delete;
  NetnsSandbox& operator=(const NetnsSandbox&) = delete;

  // `ip netns add name`; false on failure.
  bool add(const std::string& name);
  // Moves the calling thread into a namespace made by add(); false on failure.
  bool enter(const std::string& name);
  // Moves the calling thread back to the namespace it had before enter().
  void leave();

 private:
  std::vector<std::string> names_;
  int original_fd_ = -1;
};

}  // namespace vxsn::testing
