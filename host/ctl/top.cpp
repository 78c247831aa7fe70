#include "host/ctl/top.hpp"

#include <atomic>
#include <chrono>
#include <csignal>
#include <ostream>
#include <thread>

#include "host/ctl/top_frame.hpp"

namespace vxsn::ctl {
namespace {

std::atomic<bool> stop_requested{false};

void request_stop(int) {
  stop_requested = true;
}

double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

TopReading read_node(ApiClient& c) {
  TopReading r;
  c->getInfo(r.info);
  c->getCounters(r.counters);
  c->listPeers(r.peers);
  r.client_s = now_s();
  return r;
}

// Sleeps in short steps so Ctrl-C ends the view within a blink. Returns false if asked to stop.
bool wait(uint32_t ms) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (std::chrono::steady_clock::now() < until) {
    if (stop_requested) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return !stop_requested;
}

}  // namespace

void run_top(ApiClient& c, Output& o, const TopOptions& options) {
  // The live view ends on Ctrl-C (or a SIGTERM) between frames, leaving the terminal as it
  // found it; a frame is never cut in half.
  std::signal(SIGINT, request_stop);
  std::signal(SIGTERM, request_stop);
  TopReading before = read_node(c);
  constexpr const char* kClearHome = "\x1b[H\x1b[2J";
  while (wait(options.interval_ms)) {
    TopReading after = read_node(c);
    const TopFrame frame = top_frame(before, after, options.vnis);
    if (options.once) {
      o.out << (o.json ? top_json(frame).dump(2) + "\n" : top_text(frame));
      return;
    }
    o.out << kClearHome << (o.json ? top_json(frame).dump() + "\n" : top_text(frame)) << std::flush;
    before = std::move(after);
  }
}

}  // namespace vxsn::ctl
