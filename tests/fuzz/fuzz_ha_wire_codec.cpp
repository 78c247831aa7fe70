// libFuzzer target for the HA wire codec (host/ha/wire_codec): any bytes as a frame from a
// peer, through every decoder. Checks what must hold for every input: at most one decoder
// accepts it, and it is the one its first byte names; no count is believed beyond the
// codec's maxima; whatever decodes re-encodes to exactly the same bytes (the format has one
// encoding per message); and nothing is read out of bounds or sized from a forged count
// (AddressSanitizer, and libFuzzer's -rss_limit_mb / -malloc_limit_mb).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "host/ha/wire_codec.hpp"

namespace {

using namespace vxsn;

void require(bool ok) {
  if (!ok) std::abort();
}

bool named(std::string_view frame, HaMsgKind kind) {
  return ha_msg_kind(frame) == kind;
}

// Updates carry consecutive sequence numbers of one origin, and encode back to the frame.
bool updates_round_trip(std::string_view frame) {
  const auto updates = decode_updates(frame);
  if (!updates) return false;
  require(named(frame, HaMsgKind::kUpdate));
  require(!updates->empty() && updates->size() <= kHaMaxUpdatesPerFrame);
  const HaStreamPosition& first = updates->front().pos;
  std::vector<HaChange> changes;
  for (size_t i = 0; i < updates->size(); ++i) {
    const HaUpdateMsg& u = (*updates)[i];
    require(u.pos.origin == first.origin && u.pos.incarnation == first.incarnation);
    require(u.pos.seq == first.seq + i && u.change.seq == u.pos.seq);
    changes.push_back(u.change);
  }
  require(encode_updates(first, changes) == frame);
  return true;
}

// Chunks decode over a vector kept between inputs, as the replicator does, and must give the
// same changes as a fresh decode.
bool chunk_round_trip(std::string_view frame) {
  static std::vector<HaChange> reused;
  HaChunkHeader header;
  if (!decode_chunk_into(frame, header, reused)) return false;
  require(named(frame, HaMsgKind::kSnapshotChunk));
  require(header.count == reused.size() && header.count <= kHaMaxChangesPerChunk);
  uint64_t request_id = 0;
  std::vector<HaChange> fresh;
  require(decode_chunk(frame, request_id, fresh) && request_id == header.request_id);
  require(fresh.size() == reused.size());
  std::string again = encode_chunk_header(header.request_id, header.snapshot_entries);
  for (size_t i = 0; i < fresh.size(); ++i) {
    require(fresh[i].same_content(reused[i]));
    append_chunk_change(again, fresh[i]);
  }
  finish_chunk(again, header.count);
  require(again == frame);
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view frame(reinterpret_cast<const char*>(data), size);
  unsigned accepted = 0;
  accepted += updates_round_trip(frame);
  accepted += chunk_round_trip(frame);
  if (const auto hb = decode_heartbeat(frame)) {
    require(named(frame, HaMsgKind::kHeartbeat) && encode_heartbeat(*hb) == frame);
    ++accepted;
  }
  if (const auto q = decode_snapshot_request(frame)) {
    require(named(frame, HaMsgKind::kSnapshotRequest) && encode_snapshot_request(*q) == frame);
    ++accepted;
  }
  if (const auto end = decode_snapshot_end(frame)) {
    require(named(frame, HaMsgKind::kSnapshotEnd) && encode_snapshot_end(*end) == frame);
    ++accepted;
  }
  require(accepted <= 1);
  return 0;
}
