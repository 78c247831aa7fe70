// File-system side of the API's Unix socket: who may connect is decided by the socket
// file's mode and group, so they are set before the socket starts listening.
#pragma once

#include <sys/types.h>
#include <string>

namespace vxsn {

// The group's id; throws ApiServerError for an unknown group.
gid_t group_id(const std::string& group);

// Makes room for a new socket at `path`: creates the parent directory if missing (0755),
// removes a stale socket file nobody listens on. Throws ApiServerError if a server is
// listening there or the path is something other than a socket.
void prepare_socket_path(const std::string& path);

// chmod 0660 and, with a group, chgrp. Throws ApiServerError.
void restrict_socket(const std::string& path, const std::string& group);

}  // namespace vxsn
