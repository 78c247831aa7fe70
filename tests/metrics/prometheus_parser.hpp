// A strict reader of the Prometheus text exposition format 0.0.4, for tests: every line is
// a HELP, a TYPE, a comment or a sample, and each is checked (names, label syntax and
// escapes, values, one HELP and TYPE per family before its samples, samples of a family
// together, no series twice). The first problem is reported with its line.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace vxsn::test {

struct PromSample {
  std::string name;
  std::map<std::string, std::string> labels;  // unescaped values
  double value = 0;
};

struct PromFamily {
  std::string help;  // unescaped
  std::string type;  // counter, gauge, ...
  std::vector<PromSample> samples;
};

struct PromExposition {
  std::map<std::string, PromFamily> families;
  size_t lines = 0;

  // The value of one series; nullopt if absent.
  std::optional<double> value(const std::string& name,
                              const std::map<std::string, std::string>& labels = {}) const;
  // Every sample of every family, for comparisons between scrapes.
  std::map<std::string, double> series() const;
};

struct PromParseResult {
  PromExposition exposition;
  std::string error;  // empty: every line was valid
  bool ok() const { return error.empty(); }
};

PromParseResult parse_prometheus_text(const std::string& text);

// "name{a=\"x\",b=\"y\"}" with labels sorted: one key per series.
std::string series_key(const std::string& name, const std::map<std::string, std::string>& labels);

}  // namespace vxsn::test
