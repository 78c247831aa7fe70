// Whether the process that wrote the health file still runs.
#pragma once

#include <sys/types.h>

namespace vxsn {

// True for a running or stopped process; false when it is gone or a zombie (a killed
// vxsnd whose parent has not reaped it yet still answers kill(pid, 0)).
bool process_alive(pid_t pid);

}  // namespace vxsn
