#include "host/state/state_file_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>

namespace vxsn {
namespace {

std::string reason(const std::string& what, const std::string& path, int err) {
  return what + " " + path + ": " + std::strerror(err);
}

// Writes all of `bytes`; errno is kept on failure.
bool write_all(int fd, const char* p, size_t n) {
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      if (w == 0) errno = EIO;
      return false;
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

}  // namespace

std::optional<std::string> write_file_atomically(const std::string& path,
                                                 const std::string& bytes) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return reason("cannot create", tmp, errno);
  std::optional<std::string> error;
  if (!write_all(fd, bytes.data(), bytes.size()))
    error = reason("cannot write", tmp, errno);
  else if (::fsync(fd) != 0)
    error = reason("cannot fsync", tmp, errno);
  if (::close(fd) != 0 && !error) error = reason("cannot close", tmp, errno);
  if (!error && ::rename(tmp.c_str(), path.c_str()) != 0)
    error = reason("cannot rename onto", path, errno);
  if (error) {
    ::unlink(tmp.c_str());  // the previous file stays as it was
    return error;
  }
  // The rename itself survives a power cut only once the directory is on disk.
  const std::string dir = std::filesystem::path(path).parent_path().string();
  const int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return std::nullopt;
}

FileRead read_whole_file(const std::string& path) {
  FileRead out;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno != ENOENT) out.error = reason("cannot open", path, errno);
    out.exists = errno != ENOENT;
    return out;
  }
  out.exists = true;
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    out.error = reason("cannot stat", path, errno);
    ::close(fd);
    return out;
  }
  // One buffer of the file's size, filled by as few reads as the kernel allows (one, for a
  // regular file); never zero-filled first.
  const size_t size = static_cast<size_t>(st.st_size);
  out.data.reset(new char[size]);
  while (out.size < size) {
    const ssize_t r = ::read(fd, out.data.get() + out.size, size - out.size);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      out.error = reason("cannot read", path, errno);
      break;
    }
    if (r == 0) break;  // shrank meanwhile: decoding reports the truncation
    out.size += static_cast<size_t>(r);
  }
  ::close(fd);
  return out;
}

}  // namespace vxsn
