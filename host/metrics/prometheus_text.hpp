// Writes the Prometheus text exposition format, version 0.0.4: one HELP and one TYPE line
// per metric family, then its samples, label values escaped. Knows nothing of vxsn.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vxsn {

inline constexpr const char* kPrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

using MetricLabels = std::vector<std::pair<std::string_view, std::string>>;

class PrometheusText {
 public:
  enum class Type { kCounter, kGauge };

  // Starts a family. A family name is written once per exposition: the caller groups every
  // sample of a family together, as the format requires. Counter names end in _total.
  void family(std::string_view name, Type type, std::string_view help);
  // A sample of the current family.
  void sample(const MetricLabels& labels, uint64_t value);
  void sample(const MetricLabels& labels, double value);
  void sample(uint64_t value) { sample(MetricLabels{}, value); }

  // A whole family with one unlabelled sample.
  void counter(std::string_view name, std::string_view help, uint64_t value);
  void gauge(std::string_view name, std::string_view help, double value);

  const std::string& text() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void labels_and_value(const MetricLabels& labels, const std::string& value);
  std::string out_;
  std::string current_;
};

// Label values: backslash, double quote and line feed escaped (\\, \", \n).
std::string escape_label_value(std::string_view value);
// HELP text: backslash and line feed escaped.
std::string escape_help(std::string_view help);
// [a-zA-Z_:][a-zA-Z0-9_:]* for metric names, [a-zA-Z_][a-zA-Z0-9_]* for label names.
bool valid_metric_name(std::string_view name);
bool valid_label_name(std::string_view name);

}  // namespace vxsn
