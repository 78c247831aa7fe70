// Unit tests of the replication pieces that need no sockets: clock, conflict rule, table,
// wire format, key files, config.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "host/config/config.hpp"
#include "host/ha/curve_keys.hpp"
#include "host/ha/ha_config.hpp"
#include "host/ha/hybrid_clock.hpp"
#include "host/ha/replica_table.hpp"
#include "host/ha/wire_codec.hpp"

namespace vxsn {
namespace {

HaKey key(uint32_t vni, const char* ip) {
  return {vni, *IpAddr::parse(ip)};
}

HaChange put(HaKey k, uint8_t sources, uint64_t hlc, const char* origin) {
  HaChange c;
  c.key = k;
  c.value.sources = sources;
  c.stamp = {hlc, origin};
  return c;
}

HaChange del(HaKey k, uint64_t hlc, const char* origin) {
  HaChange c;
  c.key = k;
  c.tombstone = true;
  c.stamp = {hlc, origin};
  return c;
}

// ---- hybrid logical clock ----

TEST(HybridClock, FollowsWallClockAndCountsWithinAMillisecond) {
  uint64_t wall = 1000;
  HybridClock clock([&] { return wall; });
  EXPECT_EQ(clock.now(), (1000ull << 16));
  EXPECT_EQ(clock.now(), (1000ull << 16) + 1);
  wall = 1005;
  EXPECT_EQ(clock.now(), (1005ull << 16));
}

TEST(HybridClock, NeverRunsBackwardsWhenTheWallClockDoes) {
  uint64_t wall = 2000;
  HybridClock clock([&] { return wall; });
  uint64_t a = clock.now();
  wall = 1500;
  uint64_t b = clock.now();
  EXPECT_EQ(b, a + 1);
}

TEST(HybridClock, ObserveMovesPastARemoteStampFromTheFuture) {
  uint64_t wall = 1000;
  HybridClock clock([&] { return wall; });
  uint64_t remote = (5000ull << 16) + 7;
  EXPECT_EQ(clock.observe(remote), remote + 1);
  EXPECT_EQ(clock.now(), remote + 2);  // a local write after seeing it is later
  EXPECT_EQ(HybridClock::physical_ms(clock.last()), 5000u);
}

// ---- conflict rule ----

TEST(HaStamp, HigherClockWinsThenHigherNodeId) {
  EXPECT_TRUE((HaStamp{11, "a"}).wins_over(HaStamp{10, "z"}));
  EXPECT_FALSE((HaStamp{10, "z"}).wins_over(HaStamp{11, "a"}));
  EXPECT_TRUE((HaStamp{10, "b"}).wins_over(HaStamp{10, "a"}));
  EXPECT_FALSE((HaStamp{10, "a"}).wins_over(HaStamp{10, "b"}));
  EXPECT_FALSE((HaStamp{10, "a"}).wins_over(HaStamp{10, "a"}));
}

// ---- replicated table ----

constexpr uint64_t kNowMs = 1'000'000;
uint64_t at_ms(uint64_t ms) {
  return HybridClock::from_ms(ms);
}

TEST(ReplicaTable, SameChangesInAnyOrderGiveTheSameTable) {
  std::vector<HaChange> changes = {
      put(key(100, "10.0.0.1"), 1, at_ms(kNowMs - 50), "a"),
      put(key(100, "10.0.0.1"), 2, at_ms(kNowMs - 40), "b"),
      del(key(100, "10.0.0.1"), at_ms(kNowMs - 45), "c"),
      put(key(100, "10.0.0.2"), 4, at_ms(kNowMs - 30), "a"),
      del(key(100, "10.0.0.2"), at_ms(kNowMs - 20), "b"),
      put(key(200, "fd00::1"), 1, at_ms(kNowMs - 10), "a"),
      put(key(200, "fd00::1"), 8, at_ms(kNowMs - 10), "b"),
  };
  ReplicaTable forward(60'000), backward(60'000);
  for (auto& c : changes) forward.merge(c, kNowMs);
  for (auto it = changes.rbegin(); it != changes.rend(); ++it) backward.merge(*it, kNowMs);
  auto f = forward.dump(), b = backward.dump();
  ASSERT_EQ(f.size(), 3u);
  ASSERT_EQ(b.size(), 3u);
  for (size_t i = 0; i < f.size(); ++i) EXPECT_TRUE(f[i].same_content(b[i])) << i;
  // Expected winners, by the rule: latest clock, then higher node id.
  EXPECT_EQ(f[0].key, key(100, "10.0.0.1"));
  EXPECT_EQ(f[0].value.sources, 2);
  EXPECT_EQ(f[0].stamp.origin, "b");
  EXPECT_TRUE(f[1].tombstone);       // 10.0.0.2 deleted after it was put
  EXPECT_EQ(f[2].value.sources, 8);  // equal clocks: "b" > "a"
}

TEST(ReplicaTable, MergeReportsWhetherTheChangeWon) {
  ReplicaTable t(60'000);
  auto k = key(1, "10.0.0.1");
  EXPECT_TRUE(t.merge(put(k, 1, at_ms(kNowMs), "a"), kNowMs));
  EXPECT_FALSE(t.merge(put(k, 1, at_ms(kNowMs), "a"), kNowMs));      // duplicate
  EXPECT_FALSE(t.merge(put(k, 2, at_ms(kNowMs - 1), "z"), kNowMs));  // older
  EXPECT_TRUE(t.merge(del(k, at_ms(kNowMs + 1), "a"), kNowMs));
  EXPECT_FALSE(t.merge(put(k, 2, at_ms(kNowMs), "z"), kNowMs));  // tombstone blocks resurrection
  ASSERT_NE(t.find(k), nullptr);
  EXPECT_TRUE(t.find(k)->tombstone);
}

TEST(ReplicaTable, TombstonesAndExpiredEntriesAreForgotten) {
  ReplicaTable t(1000);
  auto k1 = key(1, "10.0.0.1"), k2 = key(1, "10.0.0.2"), k3 = key(1, "10.0.0.3");
  t.merge(del(k1, at_ms(kNowMs), "a"), kNowMs);
  HaChange learned = put(k2, 4, at_ms(kNowMs), "a");
  learned.value.expires_at_ms = kNowMs + 5000;
  t.merge(learned, kNowMs);
  t.merge(put(k3, 1, at_ms(kNowMs), "a"), kNowMs);  // never expires
  EXPECT_EQ(t.expire(kNowMs + 999), 0u);
  EXPECT_EQ(t.expire(kNowMs + 1000), 1u);  // the tombstone, 1000 ms after the deletion
  EXPECT_EQ(t.find(k1), nullptr);
  EXPECT_EQ(t.expire(kNowMs + 5000), 1u);
  EXPECT_EQ(t.find(k2), nullptr);
  EXPECT_NE(t.find(k3), nullptr);
}

TEST(ReplicaTable, AnExpiredTombstoneStillDeletesButIsNotKept) {
  ReplicaTable t(1000);
  auto k = key(1, "10.0.0.1");
  t.merge(put(k, 1, at_ms(kNowMs - 5000), "a"), kNowMs);
  EXPECT_TRUE(t.merge(del(k, at_ms(kNowMs - 2000), "b"), kNowMs));
  EXPECT_EQ(t.find(k), nullptr);
  EXPECT_FALSE(t.merge(del(k, at_ms(kNowMs - 2000), "b"), kNowMs));
  EXPECT_EQ(t.size(), 0u);
}

// ---- wire format ----

TEST(WireCodec, HeartbeatBytesAreLittleEndianAsDocumented) {
  HaHeartbeatMsg hb{{"n1", 0x0102030405060708ull, 9}, 0xAABBull};
  std::string expected = "H";
  expected += std::string("\x02n1", 3);
  expected += std::string("\x08\x07\x06\x05\x04\x03\x02\x01", 8);
  expected += std::string("\x09\0\0\0\0\0\0\0", 8);
  expected += std::string("\xBB\xAA\0\0\0\0\0\0", 8);
  EXPECT_EQ(encode_heartbeat(hb), expected);
  auto back = decode_heartbeat(expected);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->pos.origin, "n1");
  EXPECT_EQ(back->pos.incarnation, 0x0102030405060708ull);
  EXPECT_EQ(back->pos.seq, 9u);
  EXPECT_EQ(back->hlc, 0xAABBu);
}

TEST(WireCodec, UpdatesRoundTripV4AndV6WithConsecutiveSeqsAndRejectTruncation) {
  std::vector<HaChange> changes = {put(key(0xABCDEF, "10.1.2.3"), 5, 999, "node-a"),
                                   del(key(7, "fd00::42"), 1000, "node-a")};
  changes[0].value.identifier = 0x1122334455667788ull;
  changes[0].value.expires_at_ms = 1700000000123;
  std::string f = encode_updates({"node-a", 77, 1234}, changes);
  auto back = decode_updates(f);
  ASSERT_TRUE(back);
  ASSERT_EQ(back->size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ((*back)[i].pos.origin, "node-a");
    EXPECT_EQ((*back)[i].pos.incarnation, 77u);
    EXPECT_EQ((*back)[i].pos.seq, 1234u + i);
    EXPECT_EQ((*back)[i].change.seq, 1234u + i);
    EXPECT_TRUE((*back)[i].change.same_content(changes[i])) << i;
  }
  EXPECT_EQ((*back)[0].change.value.identifier, 0x1122334455667788ull);
  EXPECT_EQ((*back)[0].change.value.expires_at_ms, 1700000000123);
  for (size_t cut = 0; cut < f.size(); ++cut)
    EXPECT_FALSE(decode_updates(std::string_view(f).substr(0, cut))) << "cut " << cut;
  EXPECT_FALSE(decode_updates(f + "x"));
  EXPECT_FALSE(decode_updates(encode_updates({"a", 1, 1}, {})));  // an empty batch is malformed
}

TEST(WireCodec, SnapshotChunkAndEndRoundTrip) {
  std::string chunk = encode_chunk_header(42);
  append_chunk_change(chunk, put(key(1, "10.0.0.1"), 1, 5, "a"));
  append_chunk_change(chunk, del(key(2, "fd00::2"), 6, "b"));
  finish_chunk(chunk, 2);
  uint64_t id = 0;
  std::vector<HaChange> out;
  ASSERT_TRUE(decode_chunk(chunk, id, out));
  EXPECT_EQ(id, 42u);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_TRUE(out[1].tombstone);
  EXPECT_EQ(out[1].key, key(2, "fd00::2"));
  finish_chunk(chunk, 3);  // claims more than it holds
  out.clear();
  EXPECT_FALSE(decode_chunk(chunk, id, out));

  HaSnapshotEndMsg end{42, {"a", 9, 100}, 12345, 2};
  auto back = decode_snapshot_end(encode_snapshot_end(end));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->request_id, 42u);
  EXPECT_EQ(back->pos.seq, 100u);
  EXPECT_EQ(back->total, 2u);
  EXPECT_FALSE(decode_snapshot_end(encode_heartbeat({{"a", 1, 1}, 1})));
}

// A frame's count field, rewritten in place (little-endian u32 at `at`).
void set_count(std::string& frame, size_t at, uint32_t count) {
  for (size_t i = 0; i < 4; ++i) frame[at + i] = static_cast<char>((count >> (8 * i)) & 0xff);
}

TEST(WireCodec, ForgedUpdateCountsAreRefusedBeforeAnythingIsSizedFromThem) {
  // 'U', origin "a" (2 bytes), incarnation, first seq: the count sits at 1 + 2 + 8 + 8.
  constexpr size_t kCountAt = 1 + 2 + 8 + 8;
  std::string f = encode_updates({"a", 1, 1}, {put(key(1, "10.0.0.1"), 1, 5, "a")});
  ASSERT_TRUE(decode_updates(f));
  // Each of these would have sized a vector of up to 2^32 updates (hundreds of GB) before
  // reading a single change: now each is a malformed frame and nothing more.
  for (uint32_t forged : {2u, 1000u, kHaMaxUpdatesPerFrame + 1, 0x7FFFFFFFu, 0xFFFFFFFFu}) {
    std::string g = f;
    set_count(g, kCountAt, forged);
    EXPECT_FALSE(decode_updates(g)) << forged;
  }
  // A count the bytes could hold but over the hard maximum is refused too.
  std::vector<HaChange> many(kHaMaxUpdatesPerFrame + 1, put(key(1, "10.0.0.1"), 1, 5, "a"));
  EXPECT_FALSE(decode_updates(encode_updates({"a", 1, 1}, many)));
  many.pop_back();
  EXPECT_TRUE(decode_updates(encode_updates({"a", 1, 1}, many)));
  // Sequence numbers that would wrap past 2^64 - 1.
  EXPECT_FALSE(decode_updates(encode_updates({"a", 1, ~0ull}, {many[0], many[1]})));
  EXPECT_TRUE(decode_updates(encode_updates({"a", 1, ~0ull}, {many[0]})));
}

TEST(WireCodec, ForgedChunkCountsAreRefusedBeforeAnythingIsSizedFromThem) {
  std::string chunk = encode_chunk_header(7, ~0ull);
  append_chunk_change(chunk, put(key(1, "10.0.0.1"), 1, 5, "a"));
  HaChunkHeader header;
  std::vector<HaChange> out;
  for (uint32_t forged : {2u, kHaMaxChangesPerChunk + 1, 0xFFFFFFFFu}) {
    finish_chunk(chunk, forged);
    EXPECT_FALSE(decode_chunk_into(chunk, header, out)) << forged;
    EXPECT_LE(out.capacity(), 1u) << forged;
  }
  finish_chunk(chunk, 1);
  ASSERT_TRUE(decode_chunk_into(chunk, header, out));
  EXPECT_EQ(header.snapshot_entries, ~0ull);  // announced, bounded by the replicator's reserve
}

// ---- key files ----

class TempDir : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("vxsn-ha-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }
  std::filesystem::path dir_;
};

using CurveKeyFiles = TempDir;

TEST_F(CurveKeyFiles, WritesSecretPrivateAndReadsBothBack) {
  auto pair = write_key_pair(dir_ / "n1");
  struct stat st {};
  ASSERT_EQ(::stat((dir_ / "n1.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat((dir_ / "n1.pub").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
  EXPECT_EQ(read_z85_key_file(dir_ / "n1.key"), pair.secret_z85);
  EXPECT_EQ(read_z85_key_file(dir_ / "n1.pub"), pair.public_z85);
  EXPECT_EQ(curve_public_from_secret(pair.secret_z85), pair.public_z85);
  EXPECT_NE(pair.public_z85, pair.secret_z85);
  EXPECT_THROW(write_key_pair(dir_ / "n1"), CurveKeyError);  // no silent overwrite
  EXPECT_NO_THROW(write_key_pair(dir_ / "n1", true));
}

TEST_F(CurveKeyFiles, RefusesAFileWithoutAKey) {
  write("bad.pub", "not a key\n");
  EXPECT_THROW(read_z85_key_file(dir_ / "bad.pub"), CurveKeyError);
  EXPECT_THROW(read_z85_key_file(dir_ / "missing.pub"), CurveKeyError);
}

// ---- [ha] config ----

using HaConfigFile = TempDir;

TEST_F(HaConfigFile, ReadsEveryKey) {
  auto mine = write_key_pair(dir_ / "sn1");
  auto peer2 = generate_curve_key_pair();
  auto peer3 = write_key_pair(dir_ / "sn3");
  std::string text = R"([node]
id = "ignored-here"

[ha]
node_id = "sn1"
publish = "tcp://10.0.0.1:7801"
snapshot = "tcp://10.0.0.1:7802"
secret_key_file = "sn1.key"
heartbeat_interval_ms = 100
dead_interval_ms = 500
tombstone_expiry_ms = 60000
refresh_interval_ms = 0
send_hwm = 1000
recv_hwm = 2000

[[ha.peers]]
name = "sn2"
publish = "tcp://10.0.0.2:7801"
snapshot = "tcp://10.0.0.2:7802"
public_key = ")" + peer2.public_z85 +
                     R"("

[[ha.peers]]
name = "sn3"
publish = "tcp://10.0.0.3:7801"
snapshot = "tcp://10.0.0.3:7802"
public_key_file = "sn3.pub"
)";
  write("vxsnd.toml", text);
  HaConfig c = load_ha_config(dir_ / "vxsnd.toml");
  EXPECT_TRUE(c.enabled);
  EXPECT_EQ(c.node_id, "sn1");
  EXPECT_EQ(c.publish_bind, "tcp://10.0.0.1:7801");
  EXPECT_EQ(c.snapshot_bind, "tcp://10.0.0.1:7802");
  EXPECT_EQ(c.secret_key, mine.secret_z85);
  EXPECT_EQ(c.public_key, mine.public_z85);
  EXPECT_EQ(c.heartbeat_interval_ms, 100u);
  EXPECT_EQ(c.dead_interval_ms, 500u);
  EXPECT_EQ(c.tombstone_expiry_ms, 60000u);
  EXPECT_EQ(c.refresh_interval_ms, 0u);
  EXPECT_EQ(c.send_hwm, 1000);
  EXPECT_EQ(c.recv_hwm, 2000);
  ASSERT_EQ(c.peers.size(), 2u);
  EXPECT_EQ(c.peers[0].name, "sn2");
  EXPECT_EQ(c.peers[0].publish_endpoint, "tcp://10.0.0.2:7801");
  EXPECT_EQ(c.peers[0].snapshot_endpoint, "tcp://10.0.0.2:7802");
  EXPECT_EQ(c.peers[0].public_key, peer2.public_z85);
  EXPECT_EQ(c.peers[1].public_key, peer3.public_z85);
}

TEST_F(HaConfigFile, NoSectionMeansDisabled) {
  EXPECT_FALSE(parse_ha_config("[node]\nid = \"x\"\n", "x.toml").enabled);
}

// Each bad file must fail naming the file, the line and the key.
TEST_F(HaConfigFile, ErrorsNameFileLineAndKey) {
  write_key_pair(dir_ / "k");
  std::string head =
      "[ha]\nnode_id = \"a\"\npublish = \"tcp://127.0.0.1:1\"\n"
      "snapshot = \"tcp://127.0.0.1:2\"\nsecret_key_file = \"k.key\"\n";
  auto peer = generate_curve_key_pair().public_z85;
  std::string peer_block =
      "[[ha.peers]]\nname = \"b\"\npublish = \"tcp://h:1\"\n"
      "snapshot = \"tcp://h:2\"\npublic_key = \"" +
      peer + "\"\n";
  struct Case {
    std::string text;
    uint32_t line;
    std::string key;
    std::string what;
  } cases[] = {
      {head + "colour = 1\n", 6, "ha.colour", "unknown key"},
      {"[ha]\npublish = \"tcp://127.0.0.1:1\"\n", 1, "ha.node_id", "is required"},
      {"[ha]\nnode_id = \"a\"\npublish = \"udp://x\"\n", 3, "ha.publish", "ZeroMQ endpoint"},
      {head + "dead_interval_ms = 100\nheartbeat_interval_ms = 100\n", 6, "ha.dead_interval_ms",
       "at least twice"},
      {head + "send_hwm = -1\n", 6, "ha.send_hwm", "must be 0.."},
      {head + peer_block + peer_block, 12, "ha.peers[1].name", "another peer"},
      {head + "[[ha.peers]]\nname = \"b\"\npublish = \"tcp://h:1\"\nsnapshot = \"tcp://h:2\"\n"
              "public_key = \"short\"\n",
       10, "ha.peers[0].public_key", "Z85"},
      {head + "[[ha.peers]]\nname = \"b\"\npublish = \"tcp://h:1\"\nsnapshot = \"tcp://h:2\"\n", 6,
       "ha.peers[0].public_key", "is required"},
      {"[ha]\nnode_id = \"a\"\npublish = \"tcp://h:1\"\nsnapshot = \"tcp://h:2\"\n"
       "secret_key_file = \"nope.key\"\n",
       5, "ha.secret_key_file", "cannot open"},
  };
  for (auto& tc : cases) {
    try {
      parse_ha_config(tc.text, "ha.toml", dir_);
      ADD_FAILURE() << "accepted:\n" << tc.text;
    } catch (const ConfigError& e) {
      std::string msg = e.what();
      EXPECT_EQ(msg.rfind("ha.toml:" + std::to_string(tc.line) + ": " + tc.key + ": ", 0), 0u)
          << msg;
      EXPECT_NE(msg.find(tc.what), std::string::npos) << msg;
    }
  }
}

}  // namespace
}  // namespace vxsn
