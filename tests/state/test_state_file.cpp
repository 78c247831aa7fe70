// The state file: what is saved comes back (sources, identifiers, expiries, next hops);
// anything that is not exactly a state file of this version is refused with a reason; a
// write that fails leaves the previous file whole; sources already expired are dropped.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "host/state/state_file.hpp"
#include "host/state/state_file_io.hpp"
#include "host/state/state_loader.hpp"

namespace vxsn {
namespace {

using namespace std::chrono_literals;
using Steady = std::chrono::steady_clock;

IpAddr ip(const char* s) {
  return *IpAddr::parse(s);
}

// A directory of its own, removed at the end.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    char tmpl[] = "/tmp/vxsn-state-test-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string file(const char* name) const { return (path / name).string(); }
};

ClockReading reading() {
  return {Steady::time_point(std::chrono::hours(1000)), 1'700'000'000'000};
}

StateContents sample(const ClockReading& at) {
  StateContents s;
  s.sources = {
      {100, ip("10.0.0.1"), EntrySource::kRegistered, 7, at.steady + 90s},
      {100, ip("10.0.0.1"), EntrySource::kRegistered, 9, at.steady + 30s},
      {100, ip("10.0.0.1"), EntrySource::kLearned, 0, at.steady + 300s},
      {200, ip("fd00::2"), EntrySource::kLearned, 0, at.steady + 5s},
      {300, ip("10.0.0.3"), EntrySource::kRegistered, 1, EntryInfo::kNever},
  };
  NextHop hop;
  hop.via = ip("10.0.0.254");
  hop.ifindex = 4;
  hop.ifname = "eth1";
  hop.mac = *MacAddr::parse("02:00:00:00:00:01");
  hop.resolved = true;
  s.next_hops = {{ip("10.0.0.1"), hop}, {ip("10.0.0.3"), hop}};
  return s;
}

void expect_same(const StateContents& a, const StateContents& b) {
  ASSERT_EQ(a.sources.size(), b.sources.size());
  for (size_t i = 0; i < a.sources.size(); ++i) {
    EXPECT_EQ(a.sources[i].vni, b.sources[i].vni) << i;
    EXPECT_EQ(a.sources[i].vtep, b.sources[i].vtep) << i;
    EXPECT_EQ(a.sources[i].source, b.sources[i].source) << i;
    EXPECT_EQ(a.sources[i].identifier, b.sources[i].identifier) << i;
    EXPECT_EQ(a.sources[i].expires, b.sources[i].expires) << i;
  }
  ASSERT_EQ(a.next_hops.size(), b.next_hops.size());
  for (size_t i = 0; i < a.next_hops.size(); ++i) {
    EXPECT_EQ(a.next_hops[i].first, b.next_hops[i].first);
    EXPECT_TRUE(same_resolution(a.next_hops[i].second, b.next_hops[i].second));
    EXPECT_EQ(a.next_hops[i].second.ifname, b.next_hops[i].second.ifname);
  }
}

TEST(StateFile, RoundTripKeepsSourcesIdentifiersExpiriesAndNextHops) {
  const ClockReading at = reading();
  const StateContents saved = sample(at);
  DecodedState d = decode_state(encode_state(saved, at), at);
  ASSERT_TRUE(d.ok) << d.error;
  EXPECT_EQ(d.state.saved_at_unix_ms, at.unix_ms);
  expect_same(saved, d.state);
}

TEST(StateFile, ExpiriesAreWallClockSoAgeingContinuesInTheNextProcess) {
  const ClockReading at = reading();
  // The next process's steady clock starts elsewhere; 10 s of wall time went by.
  const ClockReading later{Steady::time_point(std::chrono::hours(5)), at.unix_ms + 10'000};
  DecodedState d = decode_state(encode_state(sample(at), at), later);
  ASSERT_TRUE(d.ok) << d.error;
  EXPECT_EQ(d.state.sources[0].expires, later.steady + 80s);  // 90 s, 10 s of it spent
  EXPECT_EQ(d.state.sources[4].expires, EntryInfo::kNever);
}

TEST(StateFile, ManyEntriesSpanSeveralChunks) {
  const ClockReading at = reading();
  StateContents big;
  for (uint32_t i = 0; i < 50000; ++i) {
    IpAddr a = ip("10.0.0.0");
    a.bytes[2] = static_cast<uint8_t>(i >> 8);
    a.bytes[3] = static_cast<uint8_t>(i);
    big.sources.push_back({1 + i / 100, a, EntrySource::kLearned, 0, at.steady + 60s});
  }
  DecodedState d = decode_state(encode_state(big, at), at);
  ASSERT_TRUE(d.ok) << d.error;
  expect_same(big, d.state);
}

std::string refusal(const std::string& bytes) {
  DecodedState d = decode_state(bytes, reading());
  EXPECT_FALSE(d.ok);
  EXPECT_TRUE(d.state.sources.empty());
  return d.error;
}

TEST(StateFile, WrongMagicIsRefused) {
  std::string bytes = encode_state(sample(reading()), reading());
  bytes[0] = 'X';
  EXPECT_NE(refusal(bytes).find("magic"), std::string::npos);
  EXPECT_NE(refusal("").find("magic"), std::string::npos);
}

TEST(StateFile, WrongVersionIsRefused) {
  std::string bytes = encode_state(sample(reading()), reading());
  bytes[8] = 2;
  EXPECT_NE(refusal(bytes).find("version 2"), std::string::npos);
}

TEST(StateFile, TruncatedFileIsRefusedAtEveryLength) {
  const std::string bytes = encode_state(sample(reading()), reading());
  for (size_t n = 0; n < bytes.size(); ++n) EXPECT_FALSE(refusal(bytes.substr(0, n)).empty()) << n;
  EXPECT_NE(refusal(bytes.substr(0, bytes.size() - 3)).find("truncated"), std::string::npos);
}

TEST(StateFile, CorruptPayloadIsRefusedByTheChecksum) {
  std::string bytes = encode_state(sample(reading()), reading());
  bytes[bytes.size() / 2] ^= 0x40;
  EXPECT_NE(refusal(bytes).find("checksum"), std::string::npos);
  EXPECT_NE(refusal(bytes + "x").find("trailing"), std::string::npos);
}

TEST(StateFile, LoadReportsAMissingFileAsFirstStartAndACorruptOneWithAReason) {
  TempDir dir;
  LoadedState none = load_state_file(dir.file("state.bin"));
  EXPECT_FALSE(none.found);
  EXPECT_TRUE(none.error.empty());
  std::ofstream(dir.file("state.bin")) << "garbage that is not a state file";
  LoadedState bad = load_state_file(dir.file("state.bin"));
  EXPECT_TRUE(bad.found);
  EXPECT_NE(bad.error.find("state.bin"), std::string::npos) << bad.error;
  EXPECT_NE(bad.error.find("magic"), std::string::npos) << bad.error;
}

TEST(StateFile, WrittenFileLoadsBack) {
  TempDir dir;
  const ClockReading now = ClockReading::now();
  StateContents saved = sample(now);
  ASSERT_EQ(write_file_atomically(dir.file("state.bin"), encode_state(saved, now)), std::nullopt);
  LoadedState loaded = load_state_file(dir.file("state.bin"));
  ASSERT_TRUE(loaded.found);
  ASSERT_TRUE(loaded.error.empty()) << loaded.error;
  // Through the Unix clock: equal to the millisecond.
  ASSERT_EQ(loaded.state.sources.size(), saved.sources.size());
  for (size_t i = 0; i + 1 < saved.sources.size(); ++i)
    EXPECT_LE(std::chrono::abs(loaded.state.sources[i].expires - saved.sources[i].expires), 2ms);
  EXPECT_FALSE(std::filesystem::exists(dir.file("state.bin.tmp")));
}

// A real write failure: the file size limit (EFBIG) stops the write half way.
TEST(StateFile, FailedWriteLeavesThePreviousFileWhole) {
  TempDir dir;
  const std::string path = dir.file("state.bin");
  const ClockReading at = reading();
  const std::string old_bytes = encode_state(sample(at), at);
  ASSERT_EQ(write_file_atomically(path, old_bytes), std::nullopt);

  StateContents bigger;
  for (uint32_t i = 0; i < 10000; ++i)
    bigger.sources.push_back({i + 1, ip("10.1.2.3"), EntrySource::kLearned, 0, at.steady + 1s});
  rlimit old_limit{};
  ::getrlimit(RLIMIT_FSIZE, &old_limit);
  auto old_handler = ::signal(SIGXFSZ, SIG_IGN);
  rlimit small = old_limit;
  small.rlim_cur = 4096;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  const auto error = write_file_atomically(path, encode_state(bigger, at));
  ::setrlimit(RLIMIT_FSIZE, &old_limit);
  ::signal(SIGXFSZ, old_handler);

  ASSERT_TRUE(error.has_value());
  EXPECT_NE(error->find("state.bin.tmp"), std::string::npos) << *error;
  std::ifstream in(path, std::ios::binary);
  const std::string now_bytes((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(now_bytes, old_bytes);
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
}

}  // namespace
}  // namespace vxsn
