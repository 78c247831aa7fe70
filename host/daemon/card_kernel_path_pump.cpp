#include "host/daemon/card_kernel_path_pump.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <optional>

namespace vxsn {
namespace {

constexpr std::chrono::microseconds kBusyPause{100};
constexpr std::chrono::microseconds kIdlePause{1000};

}  // namespace

CardKernelPathPump::CardKernelPathPump(Card& card, const KernelPathSwitch& paths)
    : card_(card), paths_(paths) {}

CardKernelPathPump::~CardKernelPathPump() {
  stop();
}

void CardKernelPathPump::start() {
  if (running_.exchange(true)) return;
  thread_ = std::thread([this] { run(); });
}

void CardKernelPathPump::stop() {
  running_ = false;
  if (thread_.joinable()) thread_.join();
}

KernelPathCounts CardKernelPathPump::counts() const {
  return KernelPathSwitch::sum({&counters_});
}

bool CardKernelPathPump::pass() {
  punted_.clear();
  card_.drain_punted_frames(punted_);
  for (const PuntedFrame& f : punted_) {
    const std::vector<DpdkPort*>& ports = paths_.ports();
    DpdkPort* tap = f.port < ports.size() ? paths_.tap_of(ports[f.port]) : nullptr;
    if (!tap) continue;  // the kernel owns that port and has the frame already
    KernelPathSwitch::Outbox to_kernel(tap, 0, counters_);
    to_kernel.add_copy(f.bytes, tap->pool());
    to_kernel.flush();
  }
  // A card error is thrown after the burst, whose mbufs inject_from_kernels frees.
  std::optional<CardError> failed;
  const bool injected = paths_.inject_from_kernels(
      [&](uint16_t port, std::span<const uint8_t> frame) {
        if (failed) return false;
        try {
          return card_.inject_frame(port, frame);
        } catch (const CardError& e) {
          if (e.kind() != CardError::Kind::kBadFrame) failed = e;  // not a jumbo TAP MTU
          return false;
        }
      },
      counters_);
  if (failed) throw *failed;
  return injected || !punted_.empty();
}

void CardKernelPathPump::run() {
  bool failing = false;
  while (running_) {
    bool moved = false;
    try {
      moved = pass();
      if (failing) spdlog::info("card kernel path: the card answers again");
      failing = false;
    } catch (const CardError& e) {
      if (!failing) spdlog::error("card kernel path: {}", e.what());
      failing = true;
    }
    std::this_thread::sleep_for(moved ? kBusyPause : kIdlePause);
  }
}

}  // namespace vxsn
