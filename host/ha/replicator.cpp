#include "host/ha/replicator.hpp"

#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <random>
#include <stdexcept>

#include "host/ha/wire_codec.hpp"
#include "host/ha/zap_authenticator.hpp"

namespace vxsn {

using Clock = std::chrono::steady_clock;

namespace {

constexpr size_t kSnapshotChunkEntries = 16384;
constexpr size_t kChunkBytesPerEntry = 40;  // an IPv4 entry with a short node id: 36 + name
// Trust an announced snapshot size only this far when reserving; 16M entries = ~1.2 GB.
constexpr uint64_t kMaxReserveEntries = uint64_t{1} << 24;
constexpr size_t kMaxMessagesPerTurn = 4096;  // per socket, so timers and peers stay served
constexpr size_t kUpdatesPerFrame = 256;
constexpr auto kSweepInterval = std::chrono::seconds(1);
// Receivers refuse frames over the codec's maxima.
static_assert(kUpdatesPerFrame <= kHaMaxUpdatesPerFrame);
static_assert(kSnapshotChunkEntries <= kHaMaxChangesPerChunk);

uint64_t random_incarnation() {
  std::random_device rd;
  uint64_t v = (static_cast<uint64_t>(rd()) << 32) ^ rd() ^
               static_cast<uint64_t>(Clock::now().time_since_epoch().count());
  return v ? v : 1;
}

int64_t ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(b - a).count();
}

}  // namespace

const char* ha_peer_state_name(HaPeerState s) {
  switch (s) {
    case HaPeerState::kUnknown:
      return "unknown";
    case HaPeerState::kSyncing:
      return "syncing";
    case HaPeerState::kUp:
      return "up";
    case HaPeerState::kDown:
      return "down";
  }
  return "?";
}

struct Replicator::Peer {
  HaPeerConfig cfg;
  zmq::socket_t sub;
  zmq::socket_t dealer;
  HaPeerState state = HaPeerState::kUnknown;
  uint64_t incarnation = 0;
  uint64_t last_seq = 0;
  uint64_t advertised_seq = 0;
  Clock::time_point last_heard{};
  bool heard = false;
  int64_t lag_ms = -1;
  uint64_t resyncs = 0;
  uint64_t gaps = 0;
  // While syncing:
  uint64_t request_id = 0;
  Clock::time_point last_progress{};
  uint64_t snapshot_entries = 0;  // received and merged so far
  double snapshot_apply_ms = 0;
  uint64_t snapshot_bytes = 0;
  std::vector<HaUpdateMsg> buffered;
  Clock::time_point sync_started{};
  std::vector<HaChange> chunk;  // decoded chunk, kept so its elements are reused
};

// Sockets are created and bound here so a bad endpoint fails the constructor; from the
// moment the thread starts, only the thread touches them.
Replicator::Replicator(HaConfig config, ReplicaSink& sink)
    : config_(std::move(config)),
      sink_(sink),
      incarnation_(random_incarnation()),
      ctx_(1),
      table_(config_.tombstone_expiry_ms) {
  if (config_.node_id.empty()) throw std::invalid_argument("ha: node_id is empty");
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) throw std::runtime_error("ha: eventfd failed");
  // The ZAP handler must exist before the first bind: without one, libzmq lets every
  // CURVE client in.
  std::map<std::string, std::string> allowed;
  for (auto& pc : config_.peers) allowed[pc.public_key] = pc.name;
  zap_ = std::make_unique<ZapAuthenticator>(
      ctx_, allowed, [this](const std::string& address, const std::string& key) {
        ++stats_.auth_refused;
        spdlog::warn("ha[{}]: refused a connection from {} with unknown CURVE key {}",
                     config_.node_id, address, key);
      });
  auto make_server = [&](zmq::socket_type type) {
    zmq::socket_t s(ctx_, type);
    set_common_options(s);
    s.set(zmq::sockopt::curve_server, 1);
    s.set(zmq::sockopt::curve_secretkey, config_.secret_key);
    s.set(zmq::sockopt::zap_domain, "vxsn-ha");
    return s;
  };
  pub_ = make_server(zmq::socket_type::pub);
  pub_.set(zmq::sockopt::sndhwm, config_.send_hwm);
  pub_.bind(config_.publish_bind);
  router_ = make_server(zmq::socket_type::router);
  router_.set(zmq::sockopt::sndhwm, 0);  // a snapshot is sent whole or the peer asks again
  router_.bind(config_.snapshot_bind);

  for (auto& pc : config_.peers) {
    auto p = std::make_unique<Peer>();
    p->cfg = pc;
    open_sockets(*p);
    peers_.push_back(std::move(p));
  }
  // peers() lists every configured peer from the start (as "unknown"), not only after the
  // thread's first turn.
  publish_status();
  thread_ = std::thread([this] { run(); });
}

Replicator::~Replicator() {
  stop_ = true;
  wake();
  if (thread_.joinable()) thread_.join();
  peers_.clear();
  pub_.close();
  router_.close();
  zap_.reset();
  ctx_.shutdown();
  ctx_.close();
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

void Replicator::wake() {
  uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(wake_fd_, &one, sizeof one);
}

void Replicator::publish_local(const HaLocalChange& change) {
  {
    std::lock_guard lock(queue_mutex_);
    queue_.push_back(change);
    ++queued_total_;
  }
  wake();
}

void Replicator::publish_local(const std::vector<HaLocalChange>& changes) {
  {
    std::lock_guard lock(queue_mutex_);
    queue_.insert(queue_.end(), changes.begin(), changes.end());
    queued_total_ += changes.size();
  }
  wake();
}

void Replicator::publish_local_and_wait(const std::vector<HaLocalChange>& changes) {
  std::unique_lock lock(queue_mutex_);
  queue_.insert(queue_.end(), changes.begin(), changes.end());
  queued_total_ += changes.size();
  const uint64_t mine = queued_total_;
  lock.unlock();
  wake();
  lock.lock();
  stamped_cv_.wait_for(lock, std::chrono::seconds(1), [&] { return stamped_total_ >= mine; });
}

std::vector<HaChange> Replicator::dump() const {
  std::lock_guard lock(table_mutex_);
  return table_.dump();
}

size_t Replicator::size() const {
  std::lock_guard lock(table_mutex_);
  return table_.size();
}

bool Replicator::is_current(const HaChange& c) const {
  std::lock_guard lock(table_mutex_);
  const auto stored = table_.find(c.key);
  // An expired tombstone is not kept: the deletion it made still stands.
  if (stored == nullptr) return c.tombstone;
  return stored->stamp == c.stamp && stored->tombstone == c.tombstone;
}

std::vector<HaPeerStatus> Replicator::peers() const {
  std::lock_guard lock(status_mutex_);
  return published_peers_;
}

HaStats Replicator::stats() const {
  std::lock_guard lock(status_mutex_);
  return published_stats_;
}

void Replicator::publish_status() {
  auto now = Clock::now();
  std::vector<HaPeerStatus> out;
  for (auto& p : peers_) {
    HaPeerStatus s;
    s.name = p->cfg.name;
    s.publish_endpoint = p->cfg.publish_endpoint;
    s.state = p->state;
    s.up = p->state == HaPeerState::kUp || p->state == HaPeerState::kSyncing;
    s.last_seq = p->last_seq;
    s.advertised_seq = p->advertised_seq;
    s.lag_ms = p->lag_ms;
    s.silent_ms = p->heard ? ms_between(p->last_heard, now) : -1;
    s.resyncs = p->resyncs;
    s.gaps = p->gaps;
    out.push_back(std::move(s));
  }
  std::lock_guard lock(status_mutex_);
  published_peers_ = std::move(out);
  published_stats_ = stats_;
}

void Replicator::set_common_options(zmq::socket_t& s) const {
  s.set(zmq::sockopt::linger, 0);
  s.set(zmq::sockopt::reconnect_ivl, 100);
  s.set(zmq::sockopt::reconnect_ivl_max, 1000);
  // No ZMTP heartbeats (ZMQ_HEARTBEAT_IVL): with a receive queue at its high-water mark
  // they abort libzmq 4.3 ("Assertion failed: _input_stopped", zeromq/libzmq#3937, #4767).
  // Our own heartbeats detect silence; a peer marked down gets fresh sockets, and TCP
  // keepalive clears half-open connections on the serving side.
  s.set(zmq::sockopt::tcp_keepalive, 1);
  s.set(zmq::sockopt::tcp_keepalive_idle,
        std::max(1, static_cast<int>(config_.dead_interval_ms / 1000)));
  s.set(zmq::sockopt::tcp_keepalive_intvl, 1);
  s.set(zmq::sockopt::tcp_keepalive_cnt, 3);
  if (config_.socket_buffer_bytes > 0) {
    s.set(zmq::sockopt::sndbuf, config_.socket_buffer_bytes);
    s.set(zmq::sockopt::rcvbuf, config_.socket_buffer_bytes);
  }
}

void Replicator::set_client_curve(zmq::socket_t& s, const std::string& server_key) const {
  s.set(zmq::sockopt::curve_serverkey, server_key);
  s.set(zmq::sockopt::curve_publickey, config_.public_key);
  s.set(zmq::sockopt::curve_secretkey, config_.secret_key);
}

void Replicator::open_sockets(Peer& p) {
  p.sub = zmq::socket_t(ctx_, zmq::socket_type::sub);
  set_common_options(p.sub);
  p.sub.set(zmq::sockopt::rcvhwm, config_.recv_hwm);
  p.sub.set(zmq::sockopt::subscribe, "");
  set_client_curve(p.sub, p.cfg.public_key);
  p.sub.connect(p.cfg.publish_endpoint);
  open_dealer(p);
}

void Replicator::open_dealer(Peer& p) {
  p.dealer = zmq::socket_t(ctx_, zmq::socket_type::dealer);
  set_common_options(p.dealer);
  p.dealer.set(zmq::sockopt::rcvhwm, 0);  // a snapshot may be many chunks; never drop one
  set_client_curve(p.dealer, p.cfg.public_key);
  p.dealer.connect(p.cfg.snapshot_endpoint);
}

// ---- the loop -------------------------------------------------------------------------

// Order within a turn matters: streams are read and silence judged first, before the work
// that can take long (snapshots), so our own busy time never makes a peer look dead.
void Replicator::run() {
  auto next_sweep = Clock::now() + kSweepInterval;
  next_heartbeat_ = Clock::now();
  std::vector<zmq::pollitem_t> items;
  while (!stop_) {
    items.clear();
    items.push_back({nullptr, wake_fd_, ZMQ_POLLIN, 0});
    items.push_back({zap_->socket().handle(), 0, ZMQ_POLLIN, 0});
    items.push_back({router_.handle(), 0, ZMQ_POLLIN, 0});
    for (auto& p : peers_) {
      items.push_back({p->sub.handle(), 0, ZMQ_POLLIN, 0});
      items.push_back({p->dealer.handle(), 0, ZMQ_POLLIN, 0});
    }
    auto wait = std::max<int64_t>(0, ms_between(Clock::now(), next_heartbeat_));
    zmq::poll(items, std::chrono::milliseconds(std::min<int64_t>(wait, 50)));
    if (stop_) break;

    for (size_t i = 0; i < peers_.size(); ++i) {
      Peer& p = *peers_[i];
      if (!(items[3 + 2 * i].revents & ZMQ_POLLIN)) continue;
      for (size_t k = 0; k < kMaxMessagesPerTurn; ++k) {
        zmq::message_t m;
        if (!p.sub.recv(m, zmq::recv_flags::dontwait)) break;
        on_stream_message(p, m);
      }
    }
    check_dead_peers();
    maybe_heartbeat();

    if (items[0].revents & ZMQ_POLLIN) {
      uint64_t v;
      [[maybe_unused]] auto n = ::read(wake_fd_, &v, sizeof v);
    }
    drain_local();
    if (items[1].revents & ZMQ_POLLIN) zap_->handle_one();
    if (items[2].revents & ZMQ_POLLIN) serve_snapshots();
    for (size_t i = 0; i < peers_.size(); ++i) {
      Peer& p = *peers_[i];
      if (!(items[4 + 2 * i].revents & ZMQ_POLLIN)) continue;
      for (size_t k = 0; k < kMaxMessagesPerTurn; ++k) {
        zmq::message_t m;
        if (!p.dealer.recv(m, zmq::recv_flags::dontwait)) break;
        on_dealer_message(p, m);
      }
    }
    check_stalled_snapshots();
    maybe_heartbeat();

    if (Clock::now() >= next_sweep) {
      std::lock_guard lock(table_mutex_);
      table_.expire(HybridClock::system_ms());
      next_sweep = Clock::now() + kSweepInterval;
    }
    publish_status();
  }
}

// Also called from inside long loops (serving or applying a big snapshot), so peers keep
// hearing from us. Safe there: heartbeats carry seq_, which only changes in publish_one.
void Replicator::maybe_heartbeat() {
  auto now = Clock::now();
  if (now < next_heartbeat_) return;
  HaHeartbeatMsg hb{{config_.node_id, incarnation_, seq_}, clock_.now()};
  std::string frame = encode_heartbeat(hb);
  pub_.send(zmq::buffer(frame), zmq::send_flags::dontwait);
  ++stats_.heartbeats_sent;
  next_heartbeat_ = now + std::chrono::milliseconds(config_.heartbeat_interval_ms);
}

// ---- local changes --------------------------------------------------------------------

void Replicator::drain_local() {
  std::vector<HaLocalChange> batch;
  uint64_t upto;
  {
    std::lock_guard lock(queue_mutex_);
    batch.swap(queue_);
    upto = queued_total_;
  }
  for (auto& lc : batch) publish_one(lc);
  flush_updates();
  {
    std::lock_guard lock(queue_mutex_);
    stamped_total_ = upto;
  }
  stamped_cv_.notify_all();
}

void Replicator::publish_one(const HaLocalChange& lc) {
  // A learned entry is refreshed on every packet; peers only need a new expiry once per
  // refresh interval, since they age it on the same absolute time.
  if (config_.refresh_interval_ms && !lc.tombstone) {
    std::lock_guard lock(table_mutex_);
    auto cur = table_.find(lc.key);
    if (cur && !cur->tombstone && cur->stamp.origin == config_.node_id &&
        cur->value.sources == lc.value.sources && cur->value.identifier == lc.value.identifier &&
        cur->value.expires_at_ms != 0 && lc.value.expires_at_ms >= cur->value.expires_at_ms &&
        HybridClock::physical_ms(clock_.last()) <
            HybridClock::physical_ms(cur->stamp.hlc) + config_.refresh_interval_ms) {
      ++stats_.refreshes_suppressed;
      return;
    }
  }
  HaChange c;
  c.key = lc.key;
  c.value = lc.tombstone ? HaValue{} : lc.value;
  c.tombstone = lc.tombstone;
  c.stamp = {clock_.now(), config_.node_id};
  c.seq = ++seq_;
  {
    std::lock_guard lock(table_mutex_);
    table_.merge(c, HybridClock::system_ms());
  }
  pending_.push_back(std::move(c));
  if (pending_.size() == kUpdatesPerFrame) flush_updates();
}

void Replicator::flush_updates() {
  if (pending_.empty()) return;
  HaStreamPosition first{config_.node_id, incarnation_, pending_.front().seq};
  std::string frame = encode_updates(first, pending_);
  pub_.send(zmq::buffer(frame), zmq::send_flags::dontwait);
  stats_.published += pending_.size();
  pending_.clear();
}

// ---- snapshots served -----------------------------------------------------------------

// The table and seq_ only change on this thread, so what is serialised here is exactly the
// state after this node's change number seq_ (plus what it merged from others). The ROUTER
// has no high-water mark: chunks are queued whole and sent by ZeroMQ's I/O thread.
void Replicator::serve_snapshots() {
  for (size_t k = 0; k < 16; ++k) {
    zmq::message_t id, body;
    if (!router_.recv(id, zmq::recv_flags::dontwait)) return;
    if (!id.more() || !router_.recv(body, zmq::recv_flags::dontwait)) continue;
    while (body.more()) {  // tolerate extra frames
      zmq::message_t extra;
      if (!router_.recv(extra, zmq::recv_flags::dontwait)) break;
      body = std::move(extra);
    }
    auto req = decode_snapshot_request(body.to_string_view());
    if (!req) {
      ++stats_.malformed;
      continue;
    }
    auto send_to = [&](const std::string& frame) {
      router_.send(zmq::buffer(id.data(), id.size()), zmq::send_flags::sndmore);
      router_.send(zmq::buffer(frame), zmq::send_flags::none);
    };
    auto t0 = Clock::now();
    uint64_t total = 0;
    {
      std::lock_guard lock(table_mutex_);
      const uint64_t entries = table_.size();
      auto new_chunk = [&] {
        std::string chunk = encode_chunk_header(req->request_id, entries);
        chunk.reserve(kSnapshotChunkEntries * kChunkBytesPerEntry);
        return chunk;
      };
      std::string chunk = new_chunk();
      uint32_t in_chunk = 0;
      table_.for_each([&](const HaChange& c) {
        append_chunk_change(chunk, c);
        ++total;
        if (++in_chunk == kSnapshotChunkEntries) {
          finish_chunk(chunk, in_chunk);
          send_to(chunk);
          chunk = new_chunk();
          in_chunk = 0;
          maybe_heartbeat();
        }
      });
      if (in_chunk) {
        finish_chunk(chunk, in_chunk);
        send_to(chunk);
      }
    }
    HaSnapshotEndMsg end{
        req->request_id, {config_.node_id, incarnation_, seq_}, clock_.now(), total};
    send_to(encode_snapshot_end(end));
    ++stats_.snapshots_served;
    spdlog::debug("ha[{}]: served a snapshot of {} entries at seq {} to {} in {} ms",
                  config_.node_id, total, seq_, req->requester, ms_between(t0, Clock::now()));
  }
}

// ---- peers' streams -------------------------------------------------------------------

void Replicator::start_sync(Peer& p, const char* why) {
  if (p.state == HaPeerState::kSyncing && p.request_id) {
    // Already syncing: a new request only if the previous one is abandoned (timer).
    return;
  }
  spdlog::info("ha[{}]: resynchronising from {} ({})", config_.node_id, p.cfg.name, why);
  p.state = HaPeerState::kSyncing;
  p.request_id = next_request_id_++;
  p.snapshot_entries = 0;
  p.snapshot_apply_ms = 0;
  p.snapshot_bytes = 0;
  p.buffered.clear();
  p.sync_started = p.last_progress = Clock::now();
  std::string frame = encode_snapshot_request({config_.node_id, p.request_id});
  p.dealer.send(zmq::buffer(frame), zmq::send_flags::dontwait);
}

void Replicator::apply_remote_change(const HaChange& c) {
  clock_.observe(c.stamp.hlc);
  bool won;
  {
    std::lock_guard lock(table_mutex_);
    won = table_.merge(c, HybridClock::system_ms());
  }
  if (won) {
    ++stats_.remote_applied;
    sink_.apply_remote(c);
  } else {
    ++stats_.remote_ignored;
  }
}

// True if the update was applied or was a duplicate; false on a gap.
bool Replicator::apply_in_sequence(Peer& p, const HaUpdateMsg& u) {
  if (u.pos.seq <= p.last_seq) return true;
  if (u.pos.seq != p.last_seq + 1) return false;
  apply_remote_change(u.change);
  p.last_seq = u.pos.seq;
  return true;
}

void Replicator::on_stream_message(Peer& p, const zmq::message_t& msg) {
  auto view = msg.to_string_view();
  auto kind = ha_msg_kind(view);
  if (kind == HaMsgKind::kUpdate) {
    auto updates = decode_updates(view);
    if (!updates || !heard_from(p, updates->front().pos, updates->back().change.stamp.hlc)) {
      if (!updates) ++stats_.malformed;
      return;
    }
    p.advertised_seq = std::max(p.advertised_seq, updates->back().pos.seq);
    for (HaUpdateMsg& u : *updates) on_update(p, u);
  } else if (kind == HaMsgKind::kHeartbeat) {
    auto hb = decode_heartbeat(view);
    if (!hb || !heard_from(p, hb->pos, hb->hlc)) {
      if (!hb) ++stats_.malformed;
      return;
    }
    clock_.observe(hb->hlc);
    p.advertised_seq = hb->pos.seq;
    on_heartbeat(p, *hb);
  } else {
    ++stats_.malformed;
  }
}

// Bookkeeping common to every stream message; false if it must be ignored.
bool Replicator::heard_from(Peer& p, const HaStreamPosition& pos, uint64_t hlc) {
  if (pos.origin != p.cfg.name) {
    ++stats_.malformed;
    spdlog::warn("ha[{}]: {} publishes as '{}'; ignored", config_.node_id, p.cfg.name, pos.origin);
    return false;
  }
  p.lag_ms = static_cast<int64_t>(HybridClock::system_ms()) -
             static_cast<int64_t>(HybridClock::physical_ms(hlc));
  p.last_heard = Clock::now();
  p.heard = true;
  if (p.state == HaPeerState::kUnknown) {
    start_sync(p, "first contact");
  } else if (p.state == HaPeerState::kDown) {
    spdlog::info("ha[{}]: peer {} is back", config_.node_id, p.cfg.name);
    start_sync(p, "peer returned");
  } else if (p.state == HaPeerState::kUp && pos.incarnation != p.incarnation) {
    start_sync(p, "peer restarted");
  }
  return true;
}

void Replicator::on_update(Peer& p, HaUpdateMsg& u) {
  if (p.state == HaPeerState::kUp) {
    if (apply_in_sequence(p, u)) return;
    ++p.gaps;
    ++stats_.gaps_detected;
    spdlog::warn("ha[{}]: gap in {}'s stream: expected seq {}, got {}", config_.node_id, p.cfg.name,
                 p.last_seq + 1, u.pos.seq);
    start_sync(p, "sequence gap");
  }
  // Kept until the snapshot is in; those it already covers are skipped then.
  if (p.state == HaPeerState::kSyncing) p.buffered.push_back(std::move(u));
}

void Replicator::on_heartbeat(Peer& p, const HaHeartbeatMsg& hb) {
  if (p.state == HaPeerState::kUp && hb.pos.seq > p.last_seq) {
    // The tail of the stream was lost (e.g. dropped at the high-water mark).
    ++p.gaps;
    ++stats_.gaps_detected;
    spdlog::warn("ha[{}]: {} is at seq {}, we have {}", config_.node_id, p.cfg.name, hb.pos.seq,
                 p.last_seq);
    start_sync(p, "missed updates");
  }
}

void Replicator::on_dealer_message(Peer& p, const zmq::message_t& msg) {
  auto view = msg.to_string_view();
  auto kind = ha_msg_kind(view);
  if (kind == HaMsgKind::kSnapshotChunk) {
    HaChunkHeader header;
    if (!decode_chunk_into(view, header, p.chunk)) {
      ++stats_.malformed;
      return;
    }
    if (p.state != HaPeerState::kSyncing || header.request_id != p.request_id) return;  // stale
    if (p.snapshot_entries == 0 && header.snapshot_entries) {
      // Room for the whole snapshot at once rather than growing (and rehashing) as it comes.
      std::lock_guard lock(table_mutex_);
      table_.reserve(
          std::max<uint64_t>(table_.size(), std::min(header.snapshot_entries, kMaxReserveEntries)));
    }
    merge_snapshot_chunk(p, p.chunk);
    p.snapshot_bytes += view.size();
    p.last_progress = Clock::now();
  } else if (kind == HaMsgKind::kSnapshotEnd) {
    auto end = decode_snapshot_end(view);
    if (!end) {
      ++stats_.malformed;
      return;
    }
    if (p.state != HaPeerState::kSyncing || end->request_id != p.request_id) return;
    p.snapshot_bytes += view.size();
    finish_sync(p, *end);
  } else {
    ++stats_.malformed;
  }
}

// Snapshot entries are merged as their chunks arrive: each is a real, stamped write, and
// last-writer-wins merging is order-independent, so even an abandoned snapshot leaves the
// table correct. Only the stream position waits for the end of the snapshot.
void Replicator::merge_snapshot_chunk(Peer& p, const std::vector<HaChange>& changes) {
  auto t0 = Clock::now();
  std::vector<const HaChange*> won;
  won.reserve(changes.size());
  uint64_t newest = 0;
  {
    std::lock_guard lock(table_mutex_);
    uint64_t now_ms = HybridClock::system_ms();
    for (const HaChange& c : changes) {
      newest = std::max(newest, c.stamp.hlc);
      if (table_.merge(c, now_ms)) won.push_back(&c);
    }
  }
  // Observing the newest stamp once moves the clock past every stamp of the chunk.
  if (!changes.empty()) clock_.observe(newest);
  // The winners go to the sink outside the lock, so dump() callers are not held up.
  for (const HaChange* c : won) sink_.apply_remote(*c);
  stats_.remote_applied += won.size();
  stats_.remote_ignored += changes.size() - won.size();
  p.snapshot_entries += changes.size();
  p.snapshot_apply_ms += std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  maybe_heartbeat();
}

void Replicator::finish_sync(Peer& p, const HaSnapshotEndMsg& end) {
  if (end.pos.origin != p.cfg.name || end.total != p.snapshot_entries) {
    spdlog::warn(
        "ha[{}]: snapshot from {} is inconsistent (origin '{}', {} of {} entries); retrying",
        config_.node_id, p.cfg.name, end.pos.origin, p.snapshot_entries, end.total);
    p.request_id = 0;
    start_sync(p, "bad snapshot");
    return;
  }
  clock_.observe(end.hlc);
  stats_.last_snapshot_entries = p.snapshot_entries;
  stats_.last_snapshot_bytes = p.snapshot_bytes;
  stats_.last_snapshot_apply_ms = p.snapshot_apply_ms;
  stats_.last_snapshot_total_ms =
      std::chrono::duration<double, std::milli>(Clock::now() - p.sync_started).count();
  ++stats_.snapshots_fetched;
  ++p.resyncs;
  spdlog::info("ha[{}]: snapshot from {}: {} entries, {} bytes, merged in {:.1f} ms, at seq {}",
               config_.node_id, p.cfg.name, p.snapshot_entries, p.snapshot_bytes,
               p.snapshot_apply_ms, end.pos.seq);
  p.incarnation = end.pos.incarnation;
  p.last_seq = end.pos.seq;
  p.advertised_seq = std::max(p.advertised_seq, end.pos.seq);
  p.state = HaPeerState::kUp;
  p.request_id = 0;
  p.last_heard = Clock::now();  // the snapshot's end is proof of life
  // Updates buffered while the snapshot was on its way: those after its position, in order.
  std::vector<HaUpdateMsg> buffered;
  buffered.swap(p.buffered);
  for (const HaUpdateMsg& u : buffered) {
    if (u.pos.incarnation != p.incarnation || !apply_in_sequence(p, u)) {
      ++p.gaps;
      ++stats_.gaps_detected;
      start_sync(p, "gap after snapshot");
      return;
    }
  }
}

void Replicator::check_dead_peers() {
  auto now = Clock::now();
  auto dead = std::chrono::milliseconds(config_.dead_interval_ms);
  for (auto& pp : peers_) {
    Peer& p = *pp;
    // Snapshot chunks arriving also prove the peer alive.
    auto heard =
        p.state == HaPeerState::kSyncing ? std::max(p.last_heard, p.last_progress) : p.last_heard;
    if ((p.state != HaPeerState::kUp && p.state != HaPeerState::kSyncing) || !p.heard ||
        now - heard <= dead)
      continue;
    spdlog::warn("ha[{}]: peer {} silent for {} ms, marked down", config_.node_id, p.cfg.name,
                 ms_between(heard, now));
    p.state = HaPeerState::kDown;
    p.request_id = 0;
    p.buffered.clear();
    // Fresh connections: the old ones may be half-open after a partition.
    open_sockets(p);
  }
}

// A snapshot that stopped arriving (peer restarted, connection lost): ask again on a fresh
// socket, so the request is not stuck in a dead connection's queue.
void Replicator::check_stalled_snapshots() {
  auto now = Clock::now();
  auto dead = std::chrono::milliseconds(config_.dead_interval_ms);
  for (auto& pp : peers_) {
    Peer& p = *pp;
    if (p.state != HaPeerState::kSyncing || now - p.last_progress <= dead) continue;
    spdlog::warn("ha[{}]: snapshot from {} stalled; asking again", config_.node_id, p.cfg.name);
    open_dealer(p);
    p.request_id = 0;
    start_sync(p, "snapshot stalled");
  }
}

}  // namespace vxsn
