#include "host/metrics/prometheus_text.hpp"

#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace vxsn {
namespace {

bool name_char(char c, bool first, bool colon) {
  const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  return alpha || (colon && c == ':') || (!first && c >= '0' && c <= '9');
}

bool valid_name(std::string_view name, bool colon) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i)
    if (!name_char(name[i], i == 0, colon)) return false;
  return true;
}

std::string format_double(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", v);  // shortest text that reads back as the same double
}

// Backslash and line feed always; the double quote only inside a label value.
std::string escape(std::string_view text, bool quote) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else if (quote && c == '"')
      out += "\\\"";
    else
      out += c;
  }
  return out;
}

}  // namespace

bool valid_metric_name(std::string_view name) {
  return valid_name(name, true);
}

bool valid_label_name(std::string_view name) {
  return valid_name(name, false);
}

std::string escape_label_value(std::string_view value) {
  return escape(value, true);
}

std::string escape_help(std::string_view help) {
  return escape(help, false);
}

void PrometheusText::family(std::string_view name, Type type, std::string_view help) {
  // Names are the program's own: a bad one is a bug, never input.
  if (!valid_metric_name(name)) throw std::logic_error("bad metric name: " + std::string(name));
  current_ = std::string(name);
  out_ += fmt::format("# HELP {} {}\n# TYPE {} {}\n", current_, escape_help(help), current_,
                      type == Type::kCounter ? "counter" : "gauge");
}

void PrometheusText::labels_and_value(const MetricLabels& labels, const std::string& value) {
  out_ += current_;
  if (!labels.empty()) {
    out_ += '{';
    for (size_t i = 0; i < labels.size(); ++i) {
      if (!valid_label_name(labels[i].first))
        throw std::logic_error("bad label name: " + std::string(labels[i].first));
      out_ += fmt::format("{}{}=\"{}\"", i ? "," : "", labels[i].first,
                          escape_label_value(labels[i].second));
    }
    out_ += '}';
  }
  out_ += ' ';
  out_ += value;
  out_ += '\n';
}

void PrometheusText::sample(const MetricLabels& labels, uint64_t value) {
  labels_and_value(labels, std::to_string(value));
}

void PrometheusText::sample(const MetricLabels& labels, double value) {
  labels_and_value(labels, format_double(value));
}

void PrometheusText::counter(std::string_view name, std::string_view help, uint64_t value) {
  family(name, Type::kCounter, help);
  sample(value);
}

void PrometheusText::gauge(std::string_view name, std::string_view help, double value) {
  family(name, Type::kGauge, help);
  sample(MetricLabels{}, value);
}

}  // namespace vxsn
