#include "host/ha/wire_codec.hpp"

#include <cstring>

namespace vxsn {
namespace {

class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}
  template <class T>
  void num(T v) {
    for (size_t i = 0; i < sizeof(T); ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  }
  void str(std::string_view s) {
    // Node names are short; longer ones are cut rather than corrupting the frame.
    size_t n = std::min<size_t>(s.size(), 255);
    num<uint8_t>(static_cast<uint8_t>(n));
    out_.append(s.data(), n);
  }
  void bytes(const uint8_t* p, size_t n) { out_.append(reinterpret_cast<const char*>(p), n); }

 private:
  std::string& out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  template <class T>
  bool num(T& v) {
    if (in_.size() - pos_ < sizeof(T)) return false;
    using U = std::make_unsigned_t<T>;
    U u = 0;
    for (size_t i = 0; i < sizeof(T); ++i)
      u |= static_cast<U>(static_cast<uint8_t>(in_[pos_ + i])) << (8 * i);
    v = static_cast<T>(u);
    pos_ += sizeof(T);
    return true;
  }
  bool str(std::string& s) {
    uint8_t n;
    if (!num(n) || in_.size() - pos_ < n) return false;
    s.assign(in_.substr(pos_, n));
    pos_ += n;
    return true;
  }
  bool bytes(uint8_t* p, size_t n) {
    if (in_.size() - pos_ < n) return false;
    std::memcpy(p, in_.data() + pos_, n);
    pos_ += n;
    return true;
  }
  bool done() const { return pos_ == in_.size(); }

 private:
  std::string_view in_;
  size_t pos_ = 0;
};

void put_position(Writer& w, const HaStreamPosition& p) {
  w.str(p.origin);
  w.num(p.incarnation);
  w.num(p.seq);
}

bool get_position(Reader& r, HaStreamPosition& p) {
  return r.str(p.origin) && r.num(p.incarnation) && r.num(p.seq);
}

void put_change(Writer& w, const HaChange& c) {
  w.num(c.key.vni);
  w.num(static_cast<uint8_t>(c.key.vtep.family));
  w.bytes(c.key.vtep.bytes.data(), c.key.vtep.size());
  w.num<uint8_t>(c.tombstone ? 1 : 0);
  w.num(c.value.sources);
  w.num(c.value.identifier);
  w.num(c.value.expires_at_ms);
  w.num(c.stamp.hlc);
  w.str(c.stamp.origin);
}

bool get_change(Reader& r, HaChange& c) {
  uint8_t family, flags;
  if (!r.num(c.key.vni) || !r.num(family)) return false;
  c.key.vtep = IpAddr{};
  if (family == static_cast<uint8_t>(IpAddr::Family::kV4)) {
    c.key.vtep.family = IpAddr::Family::kV4;
  } else if (family == static_cast<uint8_t>(IpAddr::Family::kV6)) {
    c.key.vtep.family = IpAddr::Family::kV6;
  } else {
    return false;
  }
  if (!r.bytes(c.key.vtep.bytes.data(), c.key.vtep.size())) return false;
  if (!r.num(flags) || flags > 1) return false;
  c.tombstone = flags == 1;
  return r.num(c.value.sources) && r.num(c.value.identifier) && r.num(c.value.expires_at_ms) &&
         r.num(c.stamp.hlc) && r.str(c.stamp.origin);
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
  for (const HaChange& c : changes) put_change(w, c);
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

std::string encode_chunk_header(uint64_t request_id) {
  std::string out = start(HaMsgKind::kSnapshotChunk);
  Writer w(out);
  w.num(request_id);
  w.num<uint32_t>(0);
  return out;
}

void append_chunk_change(std::string& chunk, const HaChange& c) {
  Writer w(chunk);
  put_change(w, c);
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
  if (!ok || !get_position(r, first) || !r.num(count) || count == 0) return std::nullopt;
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

bool decode_chunk(std::string_view frame, uint64_t& request_id, std::vector<HaChange>& out) {
  bool ok;
  Reader r = open(frame, HaMsgKind::kSnapshotChunk, ok);
  uint32_t count;
  if (!ok || !r.num(request_id) || !r.num(count)) return false;
  for (uint32_t i = 0; i < count; ++i) {
    HaChange c;
    if (!get_change(r, c)) return false;
    out.push_back(std::move(c));
  }
  return r.done();
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
