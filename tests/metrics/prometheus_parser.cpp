#include "tests/metrics/prometheus_parser.hpp"

#include <cerrno>
#include <cstdlib>
#include <set>
#include <sstream>

namespace vxsn::test {
namespace {

bool name_char(char c, bool first, bool colon) {
  const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  return alpha || (colon && c == ':') || (!first && c >= '0' && c <= '9');
}

// Reads a name at `pos`; empty if none.
std::string read_name(const std::string& s, size_t& pos, bool colon) {
  const size_t start = pos;
  while (pos < s.size() && name_char(s[pos], pos == start, colon)) ++pos;
  return s.substr(start, pos - start);
}

bool parse_value(const std::string& text, double* out) {
  if (text == "NaN" || text == "+Inf" || text == "-Inf") {
    *out = text == "NaN" ? 0.0 / 0.0 : (text[0] == '+' ? 1.0 : -1.0) / 0.0;
    return true;
  }
  if (text.empty()) return false;
  char* end = nullptr;
  errno = 0;
  *out = std::strtod(text.c_str(), &end);
  return errno == 0 && end == text.c_str() + text.size();
}

// The labels at `pos` (just after '{'), up to and past the closing '}'.
std::string read_labels(const std::string& s, size_t& pos,
                        std::map<std::string, std::string>* out) {
  while (true) {
    if (pos < s.size() && s[pos] == '}') {
      ++pos;
      return {};
    }
    const std::string name = read_name(s, pos, false);
    if (name.empty()) return "bad label name";
    if (pos + 1 >= s.size() || s[pos] != '=' || s[pos + 1] != '"')
      return "expected =\" after label";
    pos += 2;
    std::string value;
    for (;; ++pos) {
      if (pos >= s.size()) return "unterminated label value";
      const char c = s[pos];
      if (c == '"') break;
      if (c == '\\') {
        if (++pos >= s.size()) return "dangling backslash";
        if (s[pos] == 'n')
          value += '\n';
        else if (s[pos] == '\\' || s[pos] == '"')
          value += s[pos];
        else
          return "bad escape \\" + std::string(1, s[pos]);
      } else {
        value += c;
      }
    }
    ++pos;  // the closing quote
    if (!out->emplace(name, value).second) return "label " + name + " twice";
    if (pos < s.size() && s[pos] == ',')
      ++pos;
    else if (pos >= s.size() || s[pos] != '}')
      return "expected , or } after a label";
  }
}

std::string unescape_help(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && (text[i + 1] == '\\' || text[i + 1] == 'n')) {
      out += text[i + 1] == 'n' ? '\n' : '\\';
      ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

class Parser {
 public:
  std::string line(const std::string& s) {
    if (s.empty()) return {};
    if (s[0] == '#') return comment(s);
    return sample(s);
  }
  PromExposition result;

 private:
  std::string comment(const std::string& s) {
    const bool help = s.rfind("# HELP ", 0) == 0, type = s.rfind("# TYPE ", 0) == 0;
    if (!help && !type) return {};  // a plain comment
    size_t pos = 7;
    const std::string name = read_name(s, pos, true);
    if (name.empty()) return "bad metric name";
    if (pos < s.size() && s[pos] != ' ') return "bad character after the metric name";
    const std::string rest = pos < s.size() ? s.substr(pos + 1) : "";
    if (done_.count(name)) return name + ": HELP or TYPE after its samples (family split)";
    if (name != current_) close_current();
    current_ = name;
    PromFamily& f = result.families[name];
    if (help) {
      if (seen_help_.count(name)) return name + ": HELP twice";
      seen_help_.insert(name);
      f.help = unescape_help(rest);
    } else {
      if (!f.type.empty()) return name + ": TYPE twice";
      static const std::set<std::string> types{"counter", "gauge", "histogram", "summary",
                                               "untyped"};
      if (!types.count(rest)) return name + ": unknown type '" + rest + "'";
      if (!f.samples.empty()) return name + ": TYPE after samples";
      f.type = rest;
    }
    return {};
  }

  std::string sample(const std::string& s) {
    size_t pos = 0;
    PromSample smp;
    smp.name = read_name(s, pos, true);
    if (smp.name.empty()) return "bad metric name";
    if (pos < s.size() && s[pos] == '{') {
      ++pos;
      if (std::string e = read_labels(s, pos, &smp.labels); !e.empty()) return e;
    }
    if (pos >= s.size() || s[pos] != ' ') return "expected a space before the value";
    std::string value = s.substr(pos + 1);
    if (const auto sp = value.find(' '); sp != std::string::npos) {  // a timestamp
      const std::string ts = value.substr(sp + 1);
      value.resize(sp);
      double t;
      if (!parse_value(ts, &t)) return "bad timestamp '" + ts + "'";
    }
    if (!parse_value(value, &smp.value)) return "bad value '" + value + "'";
    // Counters and gauges: the sample's name is the family's (0.0.4 keeps _total in both).
    if (smp.name != current_) return smp.name + ": sample outside its family (no HELP/TYPE)";
    PromFamily& f = result.families[current_];
    if (f.type.empty() || !seen_help_.count(current_))
      return smp.name + ": sample before HELP and TYPE";
    if (f.type == "counter" && smp.value < 0) return smp.name + ": negative counter";
    if (!series_.insert(series_key(smp.name, smp.labels)).second)
      return series_key(smp.name, smp.labels) + ": series twice";
    f.samples.push_back(std::move(smp));
    return {};
  }

  void close_current() {
    if (!current_.empty()) done_.insert(current_);
  }

  std::string current_;
  std::set<std::string> done_, seen_help_, series_;
};

}  // namespace

std::string series_key(const std::string& name, const std::map<std::string, std::string>& labels) {
  std::string k = name + "{";
  for (const auto& [n, v] : labels) k += n + "=\"" + v + "\",";
  return k + "}";
}

std::optional<double> PromExposition::value(
    const std::string& name, const std::map<std::string, std::string>& labels) const {
  auto f = families.find(name);
  if (f == families.end()) return std::nullopt;
  for (const PromSample& s : f->second.samples)
    if (s.labels == labels) return s.value;
  return std::nullopt;
}

std::map<std::string, double> PromExposition::series() const {
  std::map<std::string, double> out;
  for (const auto& [name, f] : families)
    for (const PromSample& s : f.samples) out[series_key(s.name, s.labels)] = s.value;
  return out;
}

PromParseResult parse_prometheus_text(const std::string& text) {
  PromParseResult r;
  if (!text.empty() && text.back() != '\n') {
    r.error = "the exposition must end with a line feed";
    return r;
  }
  Parser p;
  std::istringstream in(text);
  std::string line;
  size_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (std::string e = p.line(line); !e.empty()) {
      r.error = "line " + std::to_string(n) + ": " + e + "\n  " + line;
      return r;
    }
  }
  p.result.lines = n;
  for (const auto& [name, f] : p.result.families) {
    if (f.type.empty()) r.error = name + ": HELP without TYPE";
    if (f.type == "counter" && !name.ends_with("_total"))
      r.error = name + ": counter without _total";
  }
  r.exposition = std::move(p.result);
  return r;
}

}  // namespace vxsn::test
