// How vxsnd's log lines look. Under systemd with stderr connected to the journal
// (JOURNAL_STREAM names stderr's device and inode), a line is "<N>message": journald
// reads the syslog priority N from the prefix (sd-daemon(3)) and stamps the time itself,
// so levels survive and nothing is stamped twice. Anywhere else (a terminal, a file, a
// test harness): "2026-01-01T12:00:00.000 info message".
#pragma once

#include <spdlog/common.h>

#include <sys/types.h>
#include <string>

namespace vxsn {

// JOURNAL_STREAM's value is "DEV:INO" (decimal) of the stream systemd connected to the
// journal; it names stderr only if those match stderr's own. Null or malformed: false.
bool journal_stream_matches(const char* journal_stream, dev_t dev, ino_t ino);
// The process's JOURNAL_STREAM against the fstat of fd 2.
bool stderr_is_journal();

// The syslog priority journald should record for a level (LOG_DEBUG .. LOG_CRIT).
int syslog_priority(spdlog::level::level_enum level);

// Installs the format (journald's when `journal`) and the level on the default logger.
void setup_logging(bool journal, const std::string& level);

// One message formatted as setup_logging(journal, ...) would print it (tests).
std::string format_log_line(bool journal, spdlog::level::level_enum level, const std::string& msg);

}  // namespace vxsn
