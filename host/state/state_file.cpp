#include "host/state/state_file.hpp"

#include <cstring>

#include "host/ha/le_bytes.hpp"
#include "host/ha/wire_codec.hpp"

namespace vxsn {
namespace {

constexpr char kMagic[8] = {'V', 'X', 'S', 'N', 'S', 'T', 'A', 'T'};
constexpr uint32_t kHeaderBytes = 8 + 4 + 4 + 8 + 8 + 8;
// Changes per chunk: well under what a chunk may hold (kHaMaxChangesPerChunk).
constexpr size_t kChunkChanges = 16384;
// The smallest next-hop record: two IPv4 addresses, ifindex, an empty name, a MAC.
constexpr size_t kMinHopBytes = (1 + 4) * 2 + 4 + 1 + 6;

// Catches truncation and bit rot, not forgery: the file is the daemon's own. FNV-1a over
// 8-byte words (a few ms for a million entries) instead of byte by byte.
uint64_t checksum(std::string_view bytes) {
  constexpr uint64_t kPrime = 0x100000001b3ull;
  uint64_t h = 0xcbf29ce484222325ull;
  size_t i = 0;
  for (; i + 8 <= bytes.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, bytes.data() + i, 8);
    h = (h ^ word) * kPrime;
    h ^= h >> 29;
  }
  for (; i < bytes.size(); ++i) h = (h ^ static_cast<uint8_t>(bytes[i])) * kPrime;
  return h;
}

void put_addr(LeWriter& w, const IpAddr& a) {
  w.num(static_cast<uint8_t>(a.family));
  w.bytes(a.bytes.data(), a.size());
}

bool get_addr(LeReader& r, IpAddr& a) {
  uint8_t family;
  if (!r.num(family)) return false;
  a = IpAddr{};
  if (family == static_cast<uint8_t>(IpAddr::Family::kV4))
    a.family = IpAddr::Family::kV4;
  else if (family == static_cast<uint8_t>(IpAddr::Family::kV6))
    a.family = IpAddr::Family::kV6;
  else
    return false;
  return r.bytes(a.bytes.data(), a.size());
}

void put_entries(std::string& out, const StateContents& state, const ClockReading& at) {
  LeWriter w(out);
  const size_t n = state.sources.size();
  w.num(static_cast<uint32_t>((n + kChunkChanges - 1) / kChunkChanges));
  std::string chunk;
  HaChange c;  // one change reused: its (empty) origin never allocates
  for (size_t first = 0; first < n; first += kChunkChanges) {
    const size_t last = std::min(n, first + kChunkChanges);
    chunk = encode_chunk_header(0, n);
    for (size_t i = first; i < last; ++i) {
      const SavedSource& s = state.sources[i];
      c.key = {s.vni, s.vtep};
      c.value = {static_cast<uint8_t>(s.source), s.identifier, at.to_unix_ms(s.expires)};
      append_chunk_change(chunk, c);
    }
    finish_chunk(chunk, static_cast<uint32_t>(last - first));
    w.num(static_cast<uint32_t>(chunk.size()));
    out += chunk;
  }
}

void put_next_hops(std::string& out, const StateContents& state) {
  LeWriter w(out);
  w.num(static_cast<uint32_t>(state.next_hops.size()));
  for (const auto& [addr, hop] : state.next_hops) {
    put_addr(w, addr);
    put_addr(w, hop.via);
    w.num(static_cast<int32_t>(hop.ifindex));
    w.str(hop.ifname);
    w.bytes(hop.mac.bytes.data(), hop.mac.bytes.size());
  }
}

// Decodes the entries section into state.sources; an error message, or empty.
std::string get_entries(LeReader& r, StateContents& state, const ClockReading& at) {
  uint32_t chunks;
  if (!r.num(chunks)) return "truncated before the entries";
  std::vector<HaChange> changes;  // reused for every chunk: decoding allocates nothing
  HaChunkHeader header;
  for (uint32_t k = 0; k < chunks; ++k) {
    uint32_t len;
    const char* p = r.num(len) ? r.take(len) : nullptr;
    if (!p) return "entry chunk " + std::to_string(k) + " truncated";
    if (!decode_chunk_into(std::string_view(p, len), header, changes))
      return "entry chunk " + std::to_string(k) + " malformed";
    // The first chunk announces the total: the vector is sized once. Bounded by what the
    // file's bytes can hold, so a corrupt count cannot ask for more.
    if (k == 0) state.sources.reserve(std::min<uint64_t>(header.snapshot_entries, r.remaining()));
    for (const HaChange& c : changes) {
      const auto source = static_cast<EntrySource>(c.value.sources);
      if (c.tombstone || (source != EntrySource::kRegistered && source != EntrySource::kLearned))
        return "entry " + std::to_string(state.sources.size()) +
               " is neither registered nor learned";
      state.sources.push_back(
          {c.key.vni, c.key.vtep, source, c.value.identifier, at.to_steady(c.value.expires_at_ms)});
    }
  }
  return {};
}

std::string get_next_hops(LeReader& r, StateContents& state) {
  uint32_t count;
  if (!r.num(count)) return "truncated before the next hops";
  if (count > r.remaining() / kMinHopBytes)
    return "next-hop count " + std::to_string(count) + " exceeds the file";
  state.next_hops.resize(count);
  for (uint32_t i = 0; i < count; ++i) {
    auto& [addr, hop] = state.next_hops[i];
    int32_t ifindex;
    if (!get_addr(r, addr) || !get_addr(r, hop.via) || !r.num(ifindex) || !r.str(hop.ifname) ||
        !r.bytes(hop.mac.bytes.data(), hop.mac.bytes.size()))
      return "next hop " + std::to_string(i) + " truncated or malformed";
    hop.ifindex = ifindex;
    hop.resolved = true;
  }
  return {};
}

}  // namespace

std::string encode_state(const StateContents& state, const ClockReading& at) {
  std::string out(kHeaderBytes, '\0');
  // About 40 bytes a source; the string grows once or twice, not a million times.
  out.reserve(kHeaderBytes + 16 + state.sources.size() * 40 + state.next_hops.size() * 48);
  put_entries(out, state, at);
  put_next_hops(out, state);
  const std::string_view payload(out.data() + kHeaderBytes, out.size() - kHeaderBytes);
  char* p = out.data();
  std::memcpy(p, kMagic, sizeof kMagic);
  p = put_le(p + sizeof kMagic, kStateFileVersion);
  p = put_le(p, kHeaderBytes);
  p = put_le(p, at.unix_ms);
  p = put_le(p, static_cast<uint64_t>(payload.size()));
  put_le(p, checksum(payload));
  return out;
}

DecodedState decode_state(std::string_view bytes, const ClockReading& at) {
  DecodedState d;
  auto fail = [&](std::string why) {
    d.error = std::move(why);
    d.state = {};
    return std::move(d);
  };
  if (bytes.size() < sizeof kMagic || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
    return fail("not a vxsn state file (no VXSNSTAT magic)");
  if (bytes.size() < kHeaderBytes)
    return fail("truncated: " + std::to_string(bytes.size()) + " bytes, shorter than the header");
  const char* p = bytes.data() + sizeof kMagic;
  const auto version = get_le<uint32_t>(p);
  const auto header_bytes = get_le<uint32_t>(p + 4);
  d.state.saved_at_unix_ms = get_le<int64_t>(p + 8);
  const auto payload_bytes = get_le<uint64_t>(p + 16);
  const auto sum = get_le<uint64_t>(p + 24);
  if (version != kStateFileVersion)
    return fail("version " + std::to_string(version) + ", this vxsnd reads version " +
                std::to_string(kStateFileVersion));
  if (header_bytes != kHeaderBytes)
    return fail("header of " + std::to_string(header_bytes) + " bytes");
  const std::string_view payload = bytes.substr(kHeaderBytes);
  if (payload.size() != payload_bytes)
    return fail((payload.size() < payload_bytes ? "truncated: " : "trailing bytes: ") +
                std::to_string(payload.size()) + " payload bytes, the header says " +
                std::to_string(payload_bytes));
  if (checksum(payload) != sum) return fail("checksum mismatch: the file is corrupt");
  LeReader r(payload);
  if (std::string e = get_entries(r, d.state, at); !e.empty()) return fail(std::move(e));
  if (std::string e = get_next_hops(r, d.state); !e.empty()) return fail(std::move(e));
  if (!r.done()) return fail(std::to_string(r.remaining()) + " bytes after the last section");
  d.ok = true;
  return d;
}

}  // namespace vxsn
