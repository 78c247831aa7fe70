#include "host/daemon/ha_bridge.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <chrono>
#include <system_error>

#include "host/ha/unix_expiry.hpp"

namespace vxsn {
namespace {

using SteadyClock = std::chrono::steady_clock;

}  // namespace

HaBridge::HaBridge(HaConfig config, TableManager& table) : table_(table) {
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) throw std::system_error(errno, std::generic_category(), "eventfd");
  table_.enable_replication();
  try {
    replicator_ = std::make_unique<Replicator>(std::move(config), *this);
  } catch (...) {
    ::close(wake_fd_);
    throw;
  }
  publish_local_changes();
}

HaBridge::~HaBridge() {
  replicator_.reset();  // stops its thread before the inbox goes
  ::close(wake_fd_);
}

void HaBridge::apply_remote(const HaChange& change) {
  bool first;
  {
    std::lock_guard lock(inbox_mutex_);
    first = inbox_.empty();
    inbox_.push_back(change);
  }
  if (first) {
    uint64_t one = 1;
    [[maybe_unused]] ssize_t n = ::write(wake_fd_, &one, sizeof one);
  }
}

size_t HaBridge::apply_remote_changes() {
  uint64_t count;
  [[maybe_unused]] ssize_t n = ::read(wake_fd_, &count, sizeof count);
  std::vector<HaChange> batch;
  {
    std::lock_guard lock(inbox_mutex_);
    batch.swap(inbox_);
  }
  // In arrival order: the replicator already decided last-writer-wins per key. A change
  // that a later write (this node's own, made while it waited here) has beaten since is
  // skipped: the table must end with the replicated table's winner.
  for (const HaChange& c : batch) {
    if (!replicator_->is_current(c)) continue;
    StoreResult r =
        table_.apply_peer(c.key.vni, c.key.vtep, !c.tombstone,
                          c.tombstone ? SteadyClock::time_point{}
                                      : ClockReading::now().to_steady(c.value.expires_at_ms));
    if (r != StoreResult::kOk)
      spdlog::debug("ha: peer {}'s VNI {} VTEP {} refused by the table", c.stamp.origin, c.key.vni,
                    c.key.vtep.to_string());
  }
  return batch.size();
}

void HaBridge::publish_local_changes() {
  std::vector<LocalEntryChange> changes = table_.take_local_changes();
  if (changes.empty()) return;
  std::vector<HaLocalChange> out;
  out.reserve(changes.size());
  for (const LocalEntryChange& c : changes) {
    HaLocalChange lc;
    lc.key = {c.vni, c.vtep};
    lc.tombstone = !c.held;
    if (c.held) lc.value = {c.sources, c.identifier, ClockReading::now().to_unix_ms(c.expires)};
    out.push_back(lc);
  }
  // Stamped before the control loop applies any more of the peers' changes: one that
  // this write beats is then seen as no longer current and skipped.
  replicator_->publish_local_and_wait(out);
}

std::vector<PeerInfo> HaBridge::peers() const {
  std::vector<PeerInfo> out;
  for (const HaPeerStatus& p : replicator_->peers()) {
    PeerInfo i;
    i.node_id = p.name;
    i.address = p.publish_endpoint;
    i.state = ha_peer_state_name(p.state);
    i.lag_ms = p.lag_ms < 0 ? 0 : static_cast<uint64_t>(p.lag_ms);
    i.last_sequence = p.last_seq;
    i.advertised_sequence = p.advertised_seq;
    i.silent_ms = p.silent_ms;
    i.resyncs = p.resyncs;
    i.gaps = p.gaps;
    out.push_back(std::move(i));
  }
  return out;
}

HaSnapshot HaBridge::snapshot() const {
  return {replicator_->config().node_id, replicator_->size(), replicator_->stats(), peers()};
}

}  // namespace vxsn
