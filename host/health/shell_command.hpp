// Runs the operator's up/down commands (`sh -c CMD`), bounded in time so a stuck command
// cannot stop the checker from withdrawing later.
#pragma once

#include <chrono>
#include <string>

namespace vxsn {

// Exit code of the command, 128+signal if it was killed, -1 if it could not start.
int run_shell_command(const std::string& command,
                      std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace vxsn
