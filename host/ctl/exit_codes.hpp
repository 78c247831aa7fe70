// vxsnctl's exit codes: scripts branch on these, so they never change meaning.
#pragma once

namespace vxsn::ctl {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;            // the server failed the call (internal error)
inline constexpr int kExitUsage = 2;             // bad command line
inline constexpr int kExitUnreachable = 3;       // cannot connect, refused, TLS failure
inline constexpr int kExitInvalidArgument = 4;   // InvalidArgument
inline constexpr int kExitNotFound = 5;          // NotFound
inline constexpr int kExitCapacityExceeded = 6;  // CapacityExceeded
inline constexpr int kExitNotPermitted = 7;      // NotPermitted

inline constexpr const char* kExitCodeHelp =
    "Exit codes: 0 ok, 1 server error, 2 usage, 3 cannot reach the daemon, 4 invalid "
    "argument, 5 not found, 6 capacity exceeded, 7 not permitted.";

}  // namespace vxsn::ctl
