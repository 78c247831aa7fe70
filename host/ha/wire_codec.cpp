#include "host/ha/wire_codec.hpp"

#include "host/ha/le_bytes.hpp"

#include <algorithm>
#include <cstring>
#include <iterator>
#include <limits>
#include <type_traits>

namespace vxsn {
namespace {

// Node names are short; longer ones are cut rather than corrupting the frame.
std::string_view wire_name(std::string_view s) {
  return s.substr(0, std::min<size_t>(s.size(), 255));
}

using Writer = LeWriter;
using Reader = LeReader;

void put_position(Writer& w, const HaStreamPosition& p) {
  w.str(p.origin);
  w.num(p.incarnation);
  w.num(p.seq);
}

bool get_position(Reader& r, HaStreamPosition& p) {
  return r.str(p.origin) && r.num(p.incarnation) && r.num(p.seq);
}

// A change is written by far the most often (a snapshot is millions of them): the string
// grows once and the fields are stored straight into it.
void put_change(std::string& out, const HaChange& c) {
  const std::string_view origin = wire_name(c.stamp.origin);
  const unsigned addr = c.key.vtep.size();
  const size_t at = out.size();
  out.resize(at + 4 + 1 + addr + 1 + 1 + 8 + 8 + 8 + 1 + origin.size());
  char* p = out.data() + at;
  p = put_le(p, c.key.vni);
  p = put_le(p, static_cast<uint8_t>(c.key.vtep.family));
  std::memcpy(p, c.key.vtep.bytes.data(), addr);
  p += addr;
  p = put_le<uint8_t>(p, c.tombstone ? 1 : 0);
  p = put_le(p, c.value.sources);
  p = put_le(p, c.value.identifier);
  p = put_le(p, c.value.expires_at_ms);
  p = put_le(p, c.stamp.hlc);
  p = put_le(p, static_cast<uint8_t>(origin.size()));
  std::memcpy(p, origin.data(), origin.size());
}

// The smallest encoded change (IPv4, empty origin): bounds a chunk's claimed count.
constexpr size_t kMinChangeBytes = 4 + 1 + 4 + 1 + 1 + 8 + 8 + 8 + 1;

// A count read from the wire, checked before anything is sized from it: at most `hard_max`,
// and no more changes than the bytes left could hold at their smallest.
bool count_fits(uint32_t count, uint32_t hard_max, const Reader& r) {
  return count <= hard_max && count <= r.remaining() / kMinChangeBytes;
}

// Field groups are bounds-checked together: a snapshot decodes millions of these.
bool get_change(Reader& r, HaChange& c) {
  const char* p = r.take(4 + 1);
  if (!p) return false;
  c.key.vni = get_le<uint32_t>(p);
  c.key.vtep = IpAddr{};
  const uint8_t family = static_cast<uint8_t>(p[4]);
  if (family == static_cast<uint8_t>(IpAddr::Family::kV4)) {
    c.key.vtep.family = IpAddr::Family::kV4;
  } else if (family == static_cast<uint8_t>(IpAddr::Family::kV6)) {
    c.key.vtep.family = IpAddr::Family::kV6;
  } else {
    return false;
  }
  if (!r.bytes(c.key.vtep.bytes.data(), c.key.vtep.size())) return false;
  p = r.take(1 + 1 + 8 + 8 + 8 + 1);
  if (!p) return false;
  const uint8_t flags = static_cast<uint8_t>(p[0]);
  if (flags > 1) return false;
  c.tombstone = flags == 1;
  c.value.sources = static_cast<uint8_t>(p[1]);
  c.value.identifier = get_le<uint64_t>(p + 2);
  c.value.expires_at_ms = get_le<int64_t>(p + 10);
  c.stamp.hlc = get_le<uint64_t>(p + 18);
  const size_t origin_len = static_cast<uint8_t>(p[26]);
  p = r.take(origin_len);
  if (!p) return false;
  c.stamp.origin.assign(p, origin_len);
  return true;
}

std::string start(HaMsgKind kind) {
  return std::string(1, static_cast<char>(kind));
}

Reader open(std::string_view frame, HaMsgKind kind, bool& ok) {
  ok = !frame.empty() && frame[0] == static_cast<char>(kind);
  return Reader(ok ? frame.substr(1) : std::string_view());
}

}  // namespace

std::optional<HaMsgKind> ha_msg_kind(std::string_view frame) {
  if (frame.empty()) return std::nullopt;
  switch (frame[0]) {
    case 'U':
    case 'H':
    case 'Q':
    case 'C':
    case 'E':
      return static_cast<HaMsgKind>(frame[0]);
    default:
      return std::nullopt;
  }
}

std::string encode_updates(const HaStreamPosition& first, const std::vector<HaChange>& changes) {
  std::string out = start(HaMsgKind::kUpdate);
  Writer w(out);
  put_position(w, first);
  w.num(static_cast<uint32_t>(changes.size()));
  for (const HaChange& c : changes) put_change(out, c);
  return out;
}

std::string encode_heartbeat(const HaHeartbeatMsg& m) {
  std::string out = start(HaMsgKind::kHeartbeat);
  Writer w(out);
  put_position(w, m.pos);
  w.num(m.hlc);
  return out;
}

std::string encode_snapshot_request(const HaSnapshotRequestMsg& m) {
  std::string out = start(HaMsgKind::kSnapshotRequest);
  Writer w(out);
  w.str(m.requester);
  w.num(m.request_id);
  return out;
}

std::string encode_chunk_header(uint64_t request_id, uint64_t snapshot_entries) {
  std::string out = start(HaMsgKind::kSnapshotChunk);
  Writer w(out);
  w.num(request_id);
  w.num<uint32_t>(0);
  w.num(snapshot_entries);
  return out;
}

void append_chunk_change(std::string& chunk, const HaChange& c) {
  put_change(chunk, c);
}

void finish_chunk(std::string& chunk, uint32_t count) {
  for (size_t i = 0; i < 4; ++i) chunk[1 + 8 + i] = static_cast<char>((count >> (8 * i)) & 0xff);
}

std::string encode_snapshot_end(const HaSnapshotEndMsg& m) {
  std::string out = start(HaMsgKind::kSnapshotEnd);
  Writer w(out);
  w.num(m.request_id);
  put_position(w, m.pos);
  w.num(m.hlc);
  w.num(m.total);
  return out;
}

std::optional<std::vector<HaUpdateMsg>> decode_updates(std::string_view frame) {
  bool ok;
  Reader r = open(frame, HaMsgKind::kUpdate, ok);
  HaStreamPosition first;
  uint32_t count;
  if (!ok || !get_position(r, first) || !r.num(count)) return std::nullopt;
  if (!count_fits(count, kHaMaxUpdatesPerFrame, r) || count == 0) return std::nullopt;
  // Sequence numbers first..first+count-1 must not wrap.
  if (first.seq > std::numeric_limits<uint64_t>::max() - (count - 1)) return std::nullopt;
  std::vector<HaUpdateMsg> out(count);
  for (uint32_t i = 0; i < count; ++i) {
    out[i].pos = first;
    out[i].pos.seq = first.seq + i;
    if (!get_change(r, out[i].change)) return std::nullopt;
    out[i].change.seq = out[i].pos.seq;
  }
  if (!r.done()) return std::nullopt;
  return out;
}

std::optional<HaHeartbeatMsg> decode_heartbeat(std::string_view frame) {
  bool ok;
  Reader r = open(frame, HaMsgKind::kHeartbeat, ok);
  HaHeartbeatMsg m;
  if (!ok || !get_position(r, m.pos) || !r.num(m.hlc) || !r.done()) return std::nullopt;
  return m;
}

std::optional<HaSnapshotRequestMsg> decode_snapshot_request(std::string_view frame) {
  bool ok;
  Reader r = open(frame, HaMsgKind::kSnapshotRequest, ok);
  HaSnapshotRequestMsg m;
  if (!ok || !r.str(m.requester) || !r.num(m.request_id) || !r.done()) return std::nullopt;
  return m;
}

bool decode_chunk_into(std::string_view frame, HaChunkHeader& header, std::vector<HaChange>& out) {
  bool ok;
  Reader r = open(frame, HaMsgKind::kSnapshotChunk, ok);
  if (!ok || !r.num(header.request_id) || !r.num(header.count) || !r.num(header.snapshot_entries))
    return false;
  if (!count_fits(header.count, kHaMaxChangesPerChunk, r)) return false;
  out.resize(header.count);
  for (HaChange& c : out) {
    if (!get_change(r, c)) return false;
    c.seq = 0;
  }
  return r.done();
}

bool decode_chunk(std::string_view frame, uint64_t& request_id, std::vector<HaChange>& out) {
  HaChunkHeader header;
  std::vector<HaChange> changes;
  if (!decode_chunk_into(frame, header, changes)) return false;
  request_id = header.request_id;
  out.insert(out.end(), std::make_move_iterator(changes.begin()),
             std::make_move_iterator(changes.end()));
  return true;
}

std::optional<HaSnapshotEndMsg> decode_snapshot_end(std::string_view frame) {
  bool ok;
  Reader r = open(frame, HaMsgKind::kSnapshotEnd, ok);
  HaSnapshotEndMsg m;
  if (!ok || !r.num(m.request_id) || !get_position(r, m.pos) || !r.num(m.hlc) || !r.num(m.total) ||
      !r.done())
    return std::nullopt;
  return m;
}

}  // namespace vxsn
