// Unit tests of the pieces rewritten for million-entry snapshots: the flat replicated table
// (open addressing, interned origins, deletion that moves entries) checked against a
// plain std::map model of last-writer-wins, and the chunk layout with its snapshot size.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "host/ha/hybrid_clock.hpp"
#include "host/ha/replica_table.hpp"
#include "host/ha/wire_codec.hpp"

namespace vxsn {
namespace {

constexpr uint64_t kExpiryMs = 1000;

HaKey v4_key(uint32_t vni, uint32_t index) {
  uint8_t b[4] = {10, static_cast<uint8_t>(index >> 16), static_cast<uint8_t>(index >> 8),
                  static_cast<uint8_t>(index)};
  return {vni, IpAddr::v4(b)};
}

// The rule as the documentation states it, written out independently of HaStamp: the
// later clock wins, equal clocks go to the byte-wise greater node id.
bool later(uint64_t hlc, const std::string& origin, const HaChange& stored) {
  if (hlc != stored.stamp.hlc) return hlc > stored.stamp.hlc;
  return origin.compare(stored.stamp.origin) > 0;
}

// The table's documented behaviour over a std::map.
class ModelTable {
 public:
  bool merge(const HaChange& c, uint64_t now_ms) {
    auto it = map_.find(c.key);
    if (it != map_.end() && !later(c.stamp.hlc, c.stamp.origin, it->second)) return false;
    bool expired = c.tombstone && (c.stamp.hlc >> 16) + kExpiryMs <= now_ms;
    if (expired) {
      bool was_live = it != map_.end() && !it->second.tombstone;
      if (it != map_.end()) map_.erase(it);
      return was_live;
    }
    HaChange stored = c;
    stored.seq = 0;
    map_[c.key] = stored;
    return true;
  }
  size_t expire(uint64_t now_ms) {
    return std::erase_if(map_, [&](const auto& kv) {
      const HaChange& c = kv.second;
      if (c.tombstone) return (c.stamp.hlc >> 16) + kExpiryMs <= now_ms;
      return c.value.expires_at_ms != 0 && static_cast<uint64_t>(c.value.expires_at_ms) <= now_ms;
    });
  }
  const std::map<HaKey, HaChange>& map() const { return map_; }

 private:
  std::map<HaKey, HaChange> map_;
};

void expect_same(const ReplicaTable& t, const ModelTable& m, const char* when) {
  auto dump = t.dump();
  ASSERT_EQ(dump.size(), m.map().size()) << when;
  size_t i = 0;
  for (const auto& [k, c] : m.map()) {
    const HaChange& d = dump[i++];
    ASSERT_EQ(d.key, k) << when;
    EXPECT_TRUE(d.same_content(c)) << when << " key vni " << k.vni;
    EXPECT_EQ(d.value, c.value) << when;  // kept as sent, tombstones included
    EXPECT_EQ(d.seq, 0u) << when;
  }
}

TEST(ReplicaTableFlat, AgreesWithAMapModelThroughGrowthDeletesAndExpiry) {
  // Long names defeat the small-string buffer; equal clocks make the names decide.
  const std::vector<std::string> origins = {"n1", "n0", "a-rather-long-node-name-02", "n10"};
  std::mt19937_64 rng(12345);
  ReplicaTable table(kExpiryMs);
  ModelTable model;
  uint64_t now_ms = 1'000'000;
  for (int round = 0; round < 40; ++round) {
    for (int i = 0; i < 1000; ++i) {
      HaChange c;
      uint32_t k = static_cast<uint32_t>(rng() % 3000);
      c.key = k % 5 == 0 ? HaKey{k, *IpAddr::parse("fd00::" + std::to_string(k % 97 + 1))}
                         : v4_key(1 + k % 7, k);
      c.tombstone = rng() % 4 == 0;
      c.value.sources = static_cast<uint8_t>(rng() % 16);
      c.value.identifier = rng();
      if (rng() % 3 == 0) c.value.expires_at_ms = static_cast<int64_t>(now_ms + rng() % 3000);
      // Clocks from 1.5 s in the past (so some tombstones arrive already expired) to now,
      // on a coarse grid so that ties are common.
      uint64_t ms = now_ms - 1500 + (rng() % 16) * 100;
      c.stamp = {HybridClock::from_ms(ms) + rng() % 2, origins[rng() % origins.size()]};
      c.seq = 7;
      ASSERT_EQ(table.merge(c, now_ms), model.merge(c, now_ms)) << "round " << round << " op " << i;
    }
    ASSERT_NO_FATAL_FAILURE(expect_same(table, model, "after merges"));
    now_ms += 250;
    if (round % 3 == 2) {
      ASSERT_EQ(table.expire(now_ms), model.expire(now_ms)) << "round " << round;
      ASSERT_NO_FATAL_FAILURE(expect_same(table, model, "after expiry"));
    }
    // Every key the model has must be found, every other one must not.
    for (uint32_t k = 0; k < 3000; k += 37) {
      HaKey key = v4_key(1 + k % 7, k);
      auto found = table.find(key);
      auto it = model.map().find(key);
      ASSERT_EQ(found == nullptr, it == model.map().end()) << k;
      if (found) {
        EXPECT_TRUE(found->same_content(it->second));
      }
    }
  }
  EXPECT_EQ(table.origin_count(), origins.size());
}

TEST(ReplicaTableFlat, TieBreakUsesTheNodeNamesNotTheirInterningOrder) {
  ReplicaTable t(60'000);
  const uint64_t hlc = HybridClock::from_ms(5'000'000);
  HaKey k = v4_key(1, 1);
  HaChange c;
  c.key = k;
  // Interned first, so "zeta" gets the smaller internal number.
  c.stamp = {hlc, "zeta"};
  c.value.sources = 1;
  EXPECT_TRUE(t.merge(c, 5'000'000));
  c.stamp.origin = "alpha";  // same clock, smaller name: loses
  c.value.sources = 2;
  EXPECT_FALSE(t.merge(c, 5'000'000));
  c.stamp.origin = "zz";  // same clock, greater name: wins
  c.value.sources = 3;
  EXPECT_TRUE(t.merge(c, 5'000'000));
  auto stored = t.find(k);
  ASSERT_NE(stored, nullptr);
  EXPECT_EQ(stored->stamp.origin, "zz");
  EXPECT_EQ(stored->value.sources, 3);
  EXPECT_EQ(t.origin_count(), 2u);  // "alpha" lost, so it was never stored
}

TEST(ReplicaTableFlat, ForEachVisitsEveryEntryWithItsOwnOrigin) {
  ReplicaTable t(60'000);
  const uint64_t now_ms = 7'000'000;
  for (uint32_t i = 0; i < 100; ++i) {
    HaChange c;
    c.key = v4_key(2, i);
    c.stamp = {HybridClock::from_ms(now_ms), i % 3 == 0 ? "n-a" : "n-b"};
    c.value.identifier = i;
    t.merge(c, now_ms);
  }
  size_t seen = 0;
  t.for_each([&](const HaChange& c) {
    uint32_t i = static_cast<uint32_t>(c.value.identifier);
    EXPECT_EQ(c.key, v4_key(2, i));
    EXPECT_EQ(c.stamp.origin, i % 3 == 0 ? "n-a" : "n-b") << i;
    ++seen;
  });
  EXPECT_EQ(seen, 100u);
}

TEST(ReplicaTableFlat, ReserveKeepsEveryEntryFindable) {
  ReplicaTable t(60'000);
  HaChange c;
  c.stamp = {HybridClock::from_ms(1000), "n0"};
  for (uint32_t i = 0; i < 50; ++i) {
    c.key = v4_key(3, i);
    t.merge(c, 1000);
  }
  t.reserve(100'000);  // rebuilds the index around the existing entries
  for (uint32_t i = 0; i < 50; ++i) EXPECT_NE(t.find(v4_key(3, i)), nullptr) << i;
  EXPECT_EQ(t.find(v4_key(3, 50)), nullptr);
  EXPECT_EQ(t.size(), 50u);
}

// ---- chunk layout ----

TEST(WireCodecChunk, HeaderAndOneChangeAreTheDocumentedBytes) {
  HaChange c;
  c.key = {0x00ABCDEF, *IpAddr::parse("10.1.2.3")};
  c.value.sources = 5;
  c.value.identifier = 0x1122334455667788ull;
  c.value.expires_at_ms = 0x0102;
  c.stamp = {0xA1A2A3A4A5A6A7A8ull, "n7"};
  std::string chunk = encode_chunk_header(0x0102030405060708ull, 1'000'000);
  append_chunk_change(chunk, c);
  finish_chunk(chunk, 1);
  std::string expected = "C";
  expected += std::string("\x08\x07\x06\x05\x04\x03\x02\x01", 8);  // request id
  expected += std::string("\x01\0\0\0", 4);                        // count
  expected += std::string("\x40\x42\x0F\0\0\0\0\0", 8);            // 1'000'000 entries
  expected += std::string("\xEF\xCD\xAB\x00", 4);                  // VNI
  expected += std::string("\x04\x0A\x01\x02\x03", 5);              // family 4, address
  expected += std::string("\x00\x05", 2);                          // not a tombstone, sources
  expected += std::string("\x88\x77\x66\x55\x44\x33\x22\x11", 8);  // identifier
  expected += std::string("\x02\x01\0\0\0\0\0\0", 8);              // expires_at_ms
  expected += std::string("\xA8\xA7\xA6\xA5\xA4\xA3\xA2\xA1", 8);  // hlc
  expected += std::string("\x02n7", 3);                            // origin
  EXPECT_EQ(chunk, expected);

  HaChunkHeader h;
  std::vector<HaChange> out;
  ASSERT_TRUE(decode_chunk_into(expected, h, out));
  EXPECT_EQ(h.request_id, 0x0102030405060708ull);
  EXPECT_EQ(h.count, 1u);
  EXPECT_EQ(h.snapshot_entries, 1'000'000u);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].same_content(c));
  EXPECT_EQ(out[0].value, c.value);
}

TEST(WireCodecChunk, DecodeIntoReplacesTheVectorsContents) {
  auto change = [](uint32_t i, const std::string& origin, bool tombstone) {
    HaChange c;
    c.key = v4_key(9, i);
    c.tombstone = tombstone;
    c.value.identifier = i;
    c.stamp = {1000 + i, origin};
    return c;
  };
  std::string first = encode_chunk_header(1);
  for (uint32_t i = 0; i < 3; ++i)
    append_chunk_change(first, change(i, "a-node-name-longer-than-sso", true));
  finish_chunk(first, 3);
  std::string second = encode_chunk_header(2);
  append_chunk_change(second, change(7, "b", false));
  finish_chunk(second, 1);

  HaChunkHeader h;
  std::vector<HaChange> out;
  ASSERT_TRUE(decode_chunk_into(first, h, out));
  ASSERT_EQ(out.size(), 3u);
  out[0].seq = 99;  // left over from a caller's use; must not survive the next decode
  ASSERT_TRUE(decode_chunk_into(second, h, out));
  EXPECT_EQ(h.request_id, 2u);
  EXPECT_EQ(h.snapshot_entries, 0u);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].same_content(change(7, "b", false)));
  EXPECT_EQ(out[0].value.identifier, 7u);
  EXPECT_EQ(out[0].seq, 0u);
}

TEST(WireCodecChunk, AForgedCountIsRejectedBeforeSizingTheOutput) {
  std::string chunk = encode_chunk_header(5);
  HaChange c;
  c.key = v4_key(1, 1);
  c.stamp = {1, "n"};
  append_chunk_change(chunk, c);
  finish_chunk(chunk, 0xFFFFFFFFu);  // 4 billion entries claimed in a few dozen bytes
  HaChunkHeader h;
  std::vector<HaChange> out;
  EXPECT_FALSE(decode_chunk_into(chunk, h, out));
  EXPECT_LT(out.capacity(), 1000u);
  // The appending form must agree.
  uint64_t id = 0;
  EXPECT_FALSE(decode_chunk(chunk, id, out));
  finish_chunk(chunk, 1);  // honest again: then only a cut frame is malformed
  ASSERT_TRUE(decode_chunk_into(chunk, h, out));
  for (size_t cut = 0; cut < chunk.size(); ++cut)
    EXPECT_FALSE(decode_chunk_into(std::string_view(chunk).substr(0, cut), h, out))
        << "cut " << cut;
}

}  // namespace
}  // namespace vxsn
