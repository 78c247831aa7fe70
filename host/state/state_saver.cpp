#include "host/state/state_saver.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

#include "host/log/elapsed_ms.hpp"
#include "host/state/state_file_io.hpp"

namespace vxsn {
StateSaver::StateSaver(std::string path) : path_(std::move(path)), thread_([this] { run(); }) {}

StateSaver::~StateSaver() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

bool StateSaver::save_async(StateContents state) {
  {
    std::lock_guard lock(mutex_);
    if (busy_ || pending_) {
      ++stats_.skipped;
      return false;
    }
    pending_ = std::move(state);
  }
  wake_.notify_one();
  return true;
}

bool StateSaver::save_now(const StateContents& state) {
  return write(state);
}

StateSaveStats StateSaver::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

void StateSaver::run() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [&] { return stopping_ || pending_; });
    if (stopping_) return;
    StateContents state = std::move(*pending_);
    pending_.reset();
    busy_ = true;
    lock.unlock();
    write(state);
    lock.lock();
    busy_ = false;
  }
}

bool StateSaver::write(const StateContents& state) {
  std::lock_guard one_at_a_time(write_mutex_);
  const auto t0 = std::chrono::steady_clock::now();
  const std::string bytes = encode_state(state, ClockReading::now());
  const double encode_ms = ms_since(t0);
  const auto t1 = std::chrono::steady_clock::now();
  const std::optional<std::string> error = write_file_atomically(path_, bytes);
  const double write_ms = ms_since(t1);
  std::lock_guard lock(mutex_);
  if (error) {
    ++stats_.failures;
    spdlog::error("state file: not saved, the previous one stays: {}", *error);
    return false;
  }
  ++stats_.saves;
  stats_.last_sources = state.sources.size();
  stats_.last_bytes = bytes.size();
  stats_.last_encode_ms = encode_ms;
  stats_.last_write_ms = write_ms;
  spdlog::debug(
      "state file: {} entries' sources and {} next hops saved to {} ({} bytes, encoded in "
      "{:.1f} ms, written in {:.1f} ms)",
      state.sources.size(), state.next_hops.size(), path_, bytes.size(), encode_ms, write_ms);
  return true;
}

}  // namespace vxsn
