// Byte layout of every replication message (little-endian, length-checked on decode).
// One ZeroMQ frame per message; the first byte names its kind.
//   'U' updates    origin, incarnation, first seq, count, changes (seq first..first+count-1)
//   'H' heartbeat  origin, incarnation, seq, hlc              PUB -> SUB
//   'Q' snapshot request  requester, request id              DEALER -> ROUTER
//   'C' snapshot chunk    request id, count, snapshot size, changes   ROUTER -> DEALER
//   'E' snapshot end      request id, origin, incarnation, seq, hlc, total
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "host/ha/ha_types.hpp"

namespace vxsn {

enum class HaMsgKind : char {
  kUpdate = 'U',
  kHeartbeat = 'H',
  kSnapshotRequest = 'Q',
  kSnapshotChunk = 'C',
  kSnapshotEnd = 'E',
};

// Who sent a stream message and where it stands in that sender's stream. The incarnation
// changes on every start, so a restarted peer (sequence back at 1) is told apart from a gap.
struct HaStreamPosition {
  std::string origin;
  uint64_t incarnation = 0;
  uint64_t seq = 0;
};

struct HaUpdateMsg {
  HaStreamPosition pos;
  HaChange change;
};

struct HaHeartbeatMsg {
  HaStreamPosition pos;  // seq = the last sequence published
  uint64_t hlc = 0;
};

struct HaSnapshotRequestMsg {
  std::string requester;
  uint64_t request_id = 0;
};

struct HaSnapshotEndMsg {
  uint64_t request_id = 0;
  HaStreamPosition pos;  // the server's stream position the snapshot is consistent with
  uint64_t hlc = 0;
  uint64_t total = 0;  // entries sent in the chunks
};

// Hard maxima on the counts a frame may carry. Every count read from the wire is checked
// against these and against what the frame's remaining bytes can hold before anything is
// sized from it, so a forged count costs a malformed-frame counter, never memory.
inline constexpr uint32_t kHaMaxUpdatesPerFrame = 4096;   // the replicator sends <= 256
inline constexpr uint32_t kHaMaxChangesPerChunk = 65536;  // the replicator sends <= 16384

std::optional<HaMsgKind> ha_msg_kind(std::string_view frame);

// Consecutive changes of one origin in one frame: fewer frames to encrypt and route. At most
// kHaMaxUpdatesPerFrame changes (a larger frame would be refused by every receiver).
std::string encode_updates(const HaStreamPosition& first, const std::vector<HaChange>& changes);
std::string encode_heartbeat(const HaHeartbeatMsg& m);
std::string encode_snapshot_request(const HaSnapshotRequestMsg& m);
// Chunk: the caller appends changes with append_chunk_change after encode_chunk_header,
// then patches the count with finish_chunk. `snapshot_entries` (the whole snapshot's size,
// 0 if unknown) lets the receiver size its table once instead of growing it step by step.
std::string encode_chunk_header(uint64_t request_id, uint64_t snapshot_entries = 0);
void append_chunk_change(std::string& chunk, const HaChange& c);
void finish_chunk(std::string& chunk, uint32_t count);
std::string encode_snapshot_end(const HaSnapshotEndMsg& m);

// One HaUpdateMsg per change, each with its own sequence number. Malformed (nullopt): a
// count of 0, above kHaMaxUpdatesPerFrame or above what the bytes can hold, a sequence
// range that wraps, a truncated or overlong frame.
std::optional<std::vector<HaUpdateMsg>> decode_updates(std::string_view frame);
std::optional<HaHeartbeatMsg> decode_heartbeat(std::string_view frame);
std::optional<HaSnapshotRequestMsg> decode_snapshot_request(std::string_view frame);
// Appends the chunk's changes to `out`; false if the frame is malformed.
bool decode_chunk(std::string_view frame, uint64_t& request_id, std::vector<HaChange>& out);
struct HaChunkHeader {
  uint64_t request_id = 0;
  uint32_t count = 0;
  uint64_t snapshot_entries = 0;  // as announced by the server; 0 = unknown
};
// Replaces `out` with the chunk's changes, decoding over its existing elements: with one
// vector kept for every chunk, decoding allocates nothing. False if the frame is malformed
// (`out` is then unspecified).
bool decode_chunk_into(std::string_view frame, HaChunkHeader& header, std::vector<HaChange>& out);
std::optional<HaSnapshotEndMsg> decode_snapshot_end(std::string_view frame);

}  // namespace vxsn
