#include "host/state/state_loader.hpp"

#include <chrono>

#include "host/log/elapsed_ms.hpp"
#include "host/state/state_file_io.hpp"

namespace vxsn {
LoadedState load_state_file(const std::string& path) {
  LoadedState out;
  auto t = std::chrono::steady_clock::now();
  FileRead file = read_whole_file(path);
  out.read_ms = ms_since(t);
  out.found = file.exists;
  out.bytes = file.size;
  if (!file.exists) return out;
  if (!file.error.empty()) {
    out.error = file.error;
    return out;
  }
  t = std::chrono::steady_clock::now();
  DecodedState decoded = decode_state(file.bytes(), ClockReading::now());
  out.decode_ms = ms_since(t);
  if (!decoded.ok) {
    out.error = path + ": " + decoded.error;
    return out;
  }
  out.state = std::move(decoded.state);
  return out;
}

}  // namespace vxsn
