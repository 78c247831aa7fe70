#include "tests/nexthop/netns_sandbox.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

namespace vxsn::testing {

int run(const std::string& command) {
  int status = std::system(command.c_str());
  if (status == -1 || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

std::string capture(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buf[512];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  pclose(pipe);
  return out;
}

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

std::string netns_id_of_task(const std::string& task_ns_path) {
  char buf[64] = {};
  ssize_t n = readlink(task_ns_path.c_str(), buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

BackgroundCommand::BackgroundCommand(const std::string& command, std::string output_path)
    : output_path_(std::move(output_path)) {
  // Everything the child needs is prepared before fork: after it only exec-safe calls run.
  const std::string exec_line = "exec " + command;
  const char* path = output_path_.c_str();
  pid_t pid = fork();
  if (pid == 0) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0) _exit(127);
    execl("/bin/sh", "sh", "-c", exec_line.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  pid_ = pid;
}

BackgroundCommand::~BackgroundCommand() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
  unlink(output_path_.c_str());
}

std::string BackgroundCommand::output() const {
  std::ifstream in(output_path_);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

NetnsSandbox::~NetnsSandbox() {
  leave();
  for (const std::string& name : names_) run("ip netns del " + name + " 2>/dev/null");
}

bool NetnsSandbox::add(const std::string& name) {
  run("ip netns del " + name + " 2>/dev/null");  // a leftover from a crashed run
  if (run("ip netns add " + name) != 0) return false;
  names_.push_back(name);
  return true;
}

bool NetnsSandbox::enter(const std::string& name) {
  if (original_fd_ < 0) {
    // thread-self, not self: setns moves only this thread, and self names the main thread.
    original_fd_ = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (original_fd_ < 0) return false;
  }
  int fd = open(("/var/run/netns/" + name).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = setns(fd, CLONE_NEWNET) == 0;
  close(fd);
  return ok;
}

void NetnsSandbox::leave() {
  if (original_fd_ < 0) return;
  if (setns(original_fd_, CLONE_NEWNET) != 0) std::perror("setns back to the original netns");
  close(original_fd_);
  original_fd_ = -1;
}

}  // namespace vxsn::testing
