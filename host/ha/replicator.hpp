// HA replication between vxsnd nodes: the ZeroMQ guide's Clone pattern over CURVE.
//
// Each node PUBlishes its own changes (per-origin sequence, hybrid logical clock) and
// heartbeats, SUBscribes to every configured peer, and serves snapshots on a ROUTER. A peer
// is (re)synchronised from its snapshot (DEALER) when it is first heard, when it returns
// after being marked down, when it restarted (new incarnation), and on any sequence gap
// (including drops at a full high-water mark); updates that arrive meanwhile are buffered
// and applied after the snapshot. Conflicts resolve last-writer-wins by (clock, node id).
//
// Threads: one internal thread owns every socket and runs the poll loop. publish_local()
// and the query functions are safe from any thread; ReplicaSink::apply_remote runs on the
// replicator's thread.
#pragma once

#include <zmq.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "host/ha/ha_config.hpp"
#include "host/ha/ha_types.hpp"
#include "host/ha/hybrid_clock.hpp"
#include "host/ha/replica_table.hpp"
#include "host/ha/replicated_store.hpp"
#include "host/ha/wire_codec.hpp"

namespace vxsn {

class ZapAuthenticator;

enum class HaPeerState {
  kUnknown,  // never heard since start
  kSyncing,  // snapshot requested, updates buffered
  kUp,       // in sequence
  kDown,     // silent longer than dead_interval_ms
};
const char* ha_peer_state_name(HaPeerState s);

// What the management API's peer list shows.
struct HaPeerStatus {
  std::string name;
  std::string publish_endpoint;
  HaPeerState state = HaPeerState::kUnknown;
  bool up = false;              // heard within dead_interval_ms
  uint64_t last_seq = 0;        // last sequence of the peer applied here
  uint64_t advertised_seq = 0;  // last sequence the peer said it published
  int64_t lag_ms = -1;          // wall-clock age of the peer's last message when it arrived
  int64_t silent_ms = -1;       // since the peer was last heard, -1 if never
  uint64_t resyncs = 0;         // snapshots fetched from this peer
  uint64_t gaps = 0;            // sequence gaps detected in its stream
};

class Replicator {
 public:
  // Binds the PUB and ROUTER endpoints and starts the thread. Throws zmq::error_t if an
  // endpoint cannot be bound, std::invalid_argument for an unusable config.
  Replicator(HaConfig config, ReplicaSink& sink);
  // Stops the thread and closes every socket at once (linger 0). Peers see silence, exactly
  // as after a crash: there is no goodbye message.
  ~Replicator();
  Replicator(const Replicator&) = delete;
  Replicator& operator=(const Replicator&) = delete;

  // Hands one local change to the replicator thread, which stamps and publishes it.
  void publish_local(const HaLocalChange& change);
  void publish_local(const std::vector<HaLocalChange>& changes);
  // The same, returning once the replicator thread has stamped them and merged them into the
  // replicated table (is_current() then sees them), or after a second if it is stuck.
  void publish_local_and_wait(const std::vector<HaLocalChange>& changes);

  // The replicated table, tombstones included, sorted by key (for dumps and tests).
  std::vector<HaChange> dump() const;
  size_t size() const;
  // Whether `c`, as handed to ReplicaSink::apply_remote, is still the winning write for its
  // key: a later local or remote write may have been merged since.
  bool is_current(const HaChange& c) const;
  std::vector<HaPeerStatus> peers() const;
  HaStats stats() const;
  const HaConfig& config() const { return config_; }
  uint64_t incarnation() const { return incarnation_; }

 private:
  struct Peer;
  void run();
  void wake();
  void drain_local();
  void publish_one(const HaLocalChange& lc);
  void flush_updates();
  void maybe_heartbeat();
  void serve_snapshots();
  void open_sockets(Peer& p);
  void on_stream_message(Peer& p, const zmq::message_t& msg);
  bool heard_from(Peer& p, const HaStreamPosition& pos, uint64_t hlc);
  void on_update(Peer& p, HaUpdateMsg& u);
  void on_heartbeat(Peer& p, const HaHeartbeatMsg& hb);
  void on_dealer_message(Peer& p, const zmq::message_t& msg);
  void start_sync(Peer& p, const char* why);
  void merge_snapshot_chunk(Peer& p, const std::vector<HaChange>& changes);
  void finish_sync(Peer& p, const HaSnapshotEndMsg& end);
  bool apply_in_sequence(Peer& p, const HaUpdateMsg& u);
  void apply_remote_change(const HaChange& c);
  void check_dead_peers();
  void check_stalled_snapshots();
  void open_dealer(Peer& p);
  void set_common_options(zmq::socket_t& s) const;
  void set_client_curve(zmq::socket_t& s, const std::string& server_key) const;

  HaConfig config_;
  ReplicaSink& sink_;
  const uint64_t incarnation_;
  zmq::context_t ctx_;

  mutable std::mutex table_mutex_;
  ReplicaTable table_;
  HybridClock clock_;  // replicator thread only
  uint64_t seq_ = 0;   // this node's stream position, replicator thread only

  std::mutex queue_mutex_;
  std::vector<HaLocalChange> queue_;
  uint64_t queued_total_ = 0;   // local changes ever queued
  uint64_t stamped_total_ = 0;  // of those, stamped and merged by the replicator thread
  std::condition_variable stamped_cv_;
  int wake_fd_ = -1;

  // Replicator thread only; a copy is published under status_mutex_ once per loop turn.
  std::vector<std::unique_ptr<Peer>> peers_;
  HaStats stats_;
  mutable std::mutex status_mutex_;
  std::vector<HaPeerStatus> published_peers_;
  HaStats published_stats_;
  void publish_status();

  std::unique_ptr<ZapAuthenticator> zap_;
  zmq::socket_t pub_;
  zmq::socket_t router_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  uint64_t next_request_id_ = 1;

  std::vector<HaChange> pending_;  // stamped, not yet sent (one frame per batch)
  std::chrono::steady_clock::time_point next_heartbeat_{};
};

}  // namespace vxsn
