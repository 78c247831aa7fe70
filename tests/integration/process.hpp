// Running real processes from integration tests: shell commands with their output, and a
// long-lived child (vxsnd) that is always stopped when the test ends.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace vxsn::test {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Runs `sh -c command`, capturing its output.
CommandResult run(const std::string& command);

// Polls `condition` every 100 ms until it holds or `timeout` passes.
bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout);

// A child process started with argv and the test's environment plus `extra_env`
// ("NAME=value" each); its output goes to `log_path`. Destruction sends SIGTERM, waits up
// to 10 s, then SIGKILL.
class ChildProcess {
 public:
  ChildProcess(const std::vector<std::string>& argv, const std::string& log_path,
               const std::vector<std::string>& extra_env = {});
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  bool running();
  void signal(int signo);
  // Sends SIGTERM and returns the exit status (exit code, or 128+signal), -1 on timeout.
  int terminate(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  std::string log() const;

 private:
  pid_t pid_ = -1;
  int status_ = -1;
  bool reaped_ = false;
  std::string log_path_;
};

}  // namespace vxsn::test
