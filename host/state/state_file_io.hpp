// Reading and writing the state file. A write is atomic: the bytes go to PATH.tmp, are
// fsynced, and only then renamed over PATH (and the directory fsynced), so a crash or a
// failed write leaves the previous file whole. A read is one read() of the whole file
// into one buffer.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace vxsn {

// An error message naming the path and the reason, or nullopt on success.
std::optional<std::string> write_file_atomically(const std::string& path, const std::string& bytes);

struct FileRead {
  bool exists = false;           // false: no file (a first start), not an error
  std::string error;             // non-empty: unreadable
  std::unique_ptr<char[]> data;  // not zero-filled first: the read fills it
  size_t size = 0;
  std::string_view bytes() const { return {data.get(), size}; }
};
FileRead read_whole_file(const std::string& path);

}  // namespace vxsn
