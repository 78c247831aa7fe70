#include "host/api/unix_socket_access.hpp"

#include <grp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <vector>

#include "host/api/api_server.hpp"

namespace vxsn {
namespace {

std::string errno_text(int err) {
  return std::error_code(err, std::generic_category()).message();
}

// True if a server accepts connections on the socket at `path`.
bool someone_listens(const std::string& path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  bool connected = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return connected;
}

}  // namespace

gid_t group_id(const std::string& group) {
  std::vector<char> buffer(16384);
  struct group entry {};
  struct group* found = nullptr;
  int err = ::getgrnam_r(group.c_str(), &entry, buffer.data(), buffer.size(), &found);
  if (err != 0 || found == nullptr)
    throw ApiServerError("api.socket_group: no group named '" + group + "'" +
                         (err ? " (" + errno_text(err) + ")" : ""));
  return found->gr_gid;
}

void prepare_socket_path(const std::string& path) {
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty() && !std::filesystem::exists(parent, ec)) {
    std::filesystem::create_directories(parent, ec);
    if (ec)
      throw ApiServerError("api.socket: cannot create " + parent.string() + ": " + ec.message());
    ::chmod(parent.c_str(), 0755);
  }
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return;  // nothing there
  if (!S_ISSOCK(st.st_mode))
    throw ApiServerError("api.socket: " + path + " exists and is not a socket");
  if (someone_listens(path))
    throw ApiServerError("api.socket: another server is listening on " + path);
  ::unlink(path.c_str());
}

void restrict_socket(const std::string& path, const std::string& group) {
  if (!group.empty() && ::chown(path.c_str(), static_cast<uid_t>(-1), group_id(group)) != 0)
    throw ApiServerError("api.socket: chgrp " + group + " " + path + ": " + errno_text(errno));
  if (::chmod(path.c_str(), 0660) != 0)
    throw ApiServerError("api.socket: chmod 0660 " + path + ": " + errno_text(errno));
}

}  // namespace vxsn
