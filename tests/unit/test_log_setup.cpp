// Logging: journald's "<N>" prefix only when stderr really is the journal stream, levels
// mapped to syslog priorities, and at most N lines per kind per second with the rest
// counted and reported as suppressed.
#include <gtest/gtest.h>
#include <syslog.h>

#include "host/log/log_rate_limiter.hpp"
#include "host/log/log_setup.hpp"

namespace vxsn {
namespace {

using namespace std::chrono_literals;

TEST(JournalStream, MatchesOnlyStderrsDeviceAndInode) {
  EXPECT_TRUE(journal_stream_matches("8:12345", 8, 12345));
  EXPECT_FALSE(journal_stream_matches("8:12345", 8, 12346));  // another stream (a pipe)
  EXPECT_FALSE(journal_stream_matches("9:12345", 8, 12345));
  EXPECT_FALSE(journal_stream_matches(nullptr, 8, 12345));  // not under systemd
  for (const char* bad : {"", "8", "8:", ":12345", "8:12345x", "a:b", "-8:12345"})
    EXPECT_FALSE(journal_stream_matches(bad, 8, 12345)) << bad;
}

TEST(JournalStream, LevelsBecomeSyslogPriorities) {
  EXPECT_EQ(syslog_priority(spdlog::level::trace), LOG_DEBUG);
  EXPECT_EQ(syslog_priority(spdlog::level::debug), LOG_DEBUG);
  EXPECT_EQ(syslog_priority(spdlog::level::info), LOG_INFO);
  EXPECT_EQ(syslog_priority(spdlog::level::warn), LOG_WARNING);
  EXPECT_EQ(syslog_priority(spdlog::level::err), LOG_ERR);
  EXPECT_EQ(syslog_priority(spdlog::level::critical), LOG_CRIT);
}

TEST(JournalStream, JournalLinesArePrefixedAndCarryNoTimestamp) {
  EXPECT_EQ(format_log_line(true, spdlog::level::warn, "disk full"), "<4>disk full\n");
  EXPECT_EQ(format_log_line(true, spdlog::level::info, "up"), "<6>up\n");
  const std::string plain = format_log_line(false, spdlog::level::warn, "disk full");
  EXPECT_EQ(plain.rfind('<', 0), std::string::npos) << plain;
  EXPECT_NE(plain.find("warning"), std::string::npos) << plain;
  EXPECT_NE(plain.find("disk full"), std::string::npos) << plain;
  EXPECT_EQ(plain[4], '-') << plain;  // starts with the date
}

struct FakeTime {
  LogRateLimiter::Clock::time_point t{};
  LogRateLimiter::Now fn() {
    return [this] { return t; };
  }
};

TEST(LogRateLimiter, AllowsNPerSecondPerKindAndCountsTheRest) {
  FakeTime time;
  LogRateLimiter limiter(3, time.fn());
  int logged = 0;
  for (int i = 0; i < 10; ++i) logged += limiter.admit("learned").log;
  EXPECT_EQ(logged, 3);
  EXPECT_TRUE(limiter.admit("refused").log);  // another kind has its own budget
  time.t += 1s;
  const LogRateLimiter::Decision d = limiter.admit("learned");
  EXPECT_TRUE(d.log);
  EXPECT_EQ(d.suppressed, 7u);  // reported once, with the next line
  EXPECT_EQ(limiter.admit("learned").suppressed, 0u);
}

TEST(LogRateLimiter, QuietKindsAreReportedByTheFlush) {
  FakeTime time;
  LogRateLimiter limiter(1, time.fn());
  for (int i = 0; i < 5; ++i) limiter.admit("malformed");
  limiter.admit("other");
  EXPECT_TRUE(limiter.take_suppressed().empty());  // the window is still open
  time.t += 1500ms;
  const auto out = limiter.take_suppressed();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].first, "malformed");
  EXPECT_EQ(out[0].second, 4u);
  EXPECT_TRUE(limiter.take_suppressed().empty());
  EXPECT_EQ(limiter.admit("malformed").suppressed, 0u);  // not reported twice
}

}  // namespace
}  // namespace vxsn
