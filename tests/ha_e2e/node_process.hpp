// One vxsnd (or any program) running inside a network namespace. The child dies with the
// test process (PR_SET_PDEATHSIG), so a test killed by its timeout leaves no daemon behind.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace vxsn::hae2e {

class NodeProcess {
 public:
  // Starts `argv` inside network namespace `netns`; output is appended to `log_path`.
  NodeProcess(const std::string& netns, const std::vector<std::string>& argv,
              const std::string& log_path);
  // SIGTERM, then SIGKILL if it has not exited within 10 s.
  ~NodeProcess();
  NodeProcess(const NodeProcess&) = delete;
  NodeProcess& operator=(const NodeProcess&) = delete;

  pid_t pid() const { return pid_; }
  bool running();
  // SIGKILL and reap: a crash, with no chance to say goodbye.
  void kill_hard();
  // SIGTERM; returns the exit code (128+signal when killed), -1 if it did not exit in time.
  int terminate(std::chrono::milliseconds timeout = std::chrono::seconds(10));

 private:
  pid_t pid_ = -1;
  int status_ = 0;
  bool reaped_ = false;
};

}  // namespace vxsn::hae2e
