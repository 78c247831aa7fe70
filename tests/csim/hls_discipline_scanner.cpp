#include "tests/csim/hls_discipline_scanner.hpp"

#include <cctype>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

namespace vxsn::csim {
namespace {

// Comments and string/char literals become spaces; newlines stay so lines still count.
std::string blank_comments_and_literals(const std::string& s) {
  std::string out = s;
  enum { kCode, kLine, kBlock, kString, kChar } state = kCode;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const char next = i + 1 < s.size() ? s[i + 1] : '\0';
    auto blank = [&](size_t at) {
      if (out[at] != '\n') out[at] = ' ';
    };
    switch (state) {
      case kCode:
        if (c == '/' && next == '/') {
          state = kLine;
          blank(i);
        } else if (c == '/' && next == '*') {
          state = kBlock;
          blank(i);
          blank(++i);
        } else if (c == '"') {
          state = kString;
        } else if (c == '\'') {
          state = kChar;
        }
        break;
      case kLine:
        if (c == '\n')
          state = kCode;
        else
          blank(i);
        break;
      case kBlock:
        if (c == '*' && next == '/') {
          blank(i);
          blank(++i);
          state = kCode;
        } else {
          blank(i);
        }
        break;
      case kString:
      case kChar:
        if (c == '\\') {
          blank(i);
          if (i + 1 < s.size()) blank(++i);
        } else if ((state == kString && c == '"') || (state == kChar && c == '\'')) {
          state = kCode;
        } else {
          blank(i);
        }
        break;
    }
  }
  return out;
}

int line_of(const std::string& text, size_t offset) {
  int line = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i)
    if (text[i] == '\n') ++line;
  return line;
}

struct Rule {
  const char* name;
  std::regex pattern;
};

const std::vector<Rule>& rules() {
  static const std::vector<Rule> r = {
      {"heap", std::regex(R"(\bnew\b|\bdelete\b|\b(malloc|calloc|realloc|free|alloca)\s*\()")},
      {"std container/string/smart pointer",
       std::regex(R"(\bstd\s*::\s*(vector|string|string_view|map|multimap|unordered_map|set|)"
                  R"(multiset|unordered_set|list|forward_list|deque|queue|priority_queue|stack|)"
                  R"(unique_ptr|shared_ptr|weak_ptr|make_unique|make_shared|function|any)\b)")},
      {"banned header",
       std::regex(R"(#\s*include\s*<(vector|string|string_view|map|unordered_map|set|)"
                  R"(unordered_set|list|forward_list|deque|queue|stack|memory|functional|any|)"
                  R"(iostream|sstream|fstream|thread|mutex|regex|exception|stdexcept)>)")},
      {"virtual", std::regex(R"(\bvirtual\b)")},
      {"exception", std::regex(R"(\bthrow\b|\btry\b|\bcatch\s*\()")},
      {"endless loop", std::regex(R"(\bwhile\s*\(\s*(1|true)\s*\)|\bfor\s*\(\s*;\s*;\s*\))")},
  };
  return r;
}

// Functions whose body calls the function itself (direct recursion).
void find_recursion(const std::string& file, const std::string& code,
                    std::vector<DisciplineViolation>& out) {
  static const std::regex head(R"(\b([A-Za-z_]\w*)\s*\(([^;{}()]|\([^;{}()]*\))*\)\s*)"
                               R"((const\s*)?(noexcept\s*)?(->\s*[\w:<>]+\s*)?\{)");
  static const std::set<std::string> not_functions = {
      "if", "for", "while", "switch", "catch", "return", "sizeof", "do", "else"};
  for (auto it = std::sregex_iterator(code.begin(), code.end(), head); it != std::sregex_iterator();
       ++it) {
    const std::string name = (*it)[1];
    if (not_functions.count(name)) continue;
    size_t open = it->position() + it->length() - 1;  // the '{'
    int depth = 0;
    size_t close = open;
    for (; close < code.size(); ++close) {
      if (code[close] == '{') ++depth;
      if (code[close] == '}' && --depth == 0) break;
    }
    const std::string body = code.substr(open + 1, close - open - 1);
    const std::regex self_call("\\b" + name + "\\s*\\(");
    std::smatch m;
    if (std::regex_search(body, m, self_call))
      out.push_back(
          {file, line_of(code, open + 1 + m.position()), "recursion", name + " calls itself"});
  }
}

// The text of the braced block opening at `open` (a '{'), without the braces; empty if
// `open` is not a '{'.
std::string block_at(const std::string& code, size_t open) {
  if (open >= code.size() || code[open] != '{') return {};
  int depth = 0;
  size_t close = open;
  for (; close < code.size(); ++close) {
    if (code[close] == '{') ++depth;
    if (code[close] == '}' && --depth == 0) break;
  }
  return code.substr(open + 1, close - open - 1);
}

size_t skip_space(const std::string& code, size_t at) {
  while (at < code.size() && std::isspace(static_cast<unsigned char>(code[at]))) ++at;
  return at;
}

// Every loop must be bounded or pipelined: it states its schedule with a PIPELINE, UNROLL
// or LOOP_TRIPCOUNT pragma at the top of its own body (before any nested loop), or it is a
// `for` whose condition compares with a constant (a number or a k-named constant).
void find_unscheduled_loops(const std::string& file, const std::string& code,
                            std::vector<DisciplineViolation>& out) {
  static const std::regex head(R"(\b(for|while)\s*\(|\bdo\s*\{)");
  static const std::regex schedule(R"(#\s*pragma\s+HLS\s+(PIPELINE|UNROLL|LOOP_TRIPCOUNT)\b)");
  static const std::regex nested(R"(\b(for|while)\s*\(|\bdo\s*\{)");
  static const std::regex constant_bound(
      R"(^[^;]*;\s*\w+\s*(<|<=|>|>=)\s*([0-9]+u?|(\w+\s*::\s*)*k\w+)(\s*[-+*/]\s*([0-9]+u?|(\w+\s*::\s*)*k\w+))*\s*;)");
  for (auto it = std::sregex_iterator(code.begin(), code.end(), head); it != std::sregex_iterator();
       ++it) {
    const size_t at = it->position();
    const std::string kw = (*it)[1];
    if (kw == "while") {  // the tail of a do-while is not a loop of its own
      size_t b = at;
      while (b > 0 && std::isspace(static_cast<unsigned char>(code[b - 1]))) --b;
      if (b > 0 && code[b - 1] == '}') continue;
    }
    size_t body_open;
    std::string header;
    if (kw.empty()) {  // do {
      body_open = at + it->length() - 1;
    } else {
      size_t open = at + it->length() - 1;  // '('
      int depth = 0;
      size_t close = open;
      for (; close < code.size(); ++close) {
        if (code[close] == '(') ++depth;
        if (code[close] == ')' && --depth == 0) break;
      }
      header = code.substr(open + 1, close - open - 1);
      body_open = skip_space(code, close + 1);
    }
    if (kw == "for" && std::regex_search(header, constant_bound)) continue;
    std::string body = block_at(code, body_open);
    std::smatch m;
    if (std::regex_search(body, m, nested)) body = body.substr(0, m.position());
    if (!std::regex_search(body, schedule))
      out.push_back(
          {file, line_of(code, at), "loop neither bounded nor pipelined", kw.empty() ? "do" : kw});
  }
}

}  // namespace

std::vector<DisciplineViolation> scan_hls_source(const std::string& file_name,
                                                 const std::string& text) {
  std::vector<DisciplineViolation> out;
  // Quoted includes must stay inside hls/ (checked on the raw text: literals are blanked).
  static const std::regex quoted_include(R"(#\s*include\s*"([^"]*)\")");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), quoted_include);
       it != std::sregex_iterator(); ++it) {
    const std::string path = (*it)[1];
    if (path.rfind("hls/", 0) != 0)
      out.push_back({file_name, line_of(text, it->position()), "include outside hls/", path});
  }
  const std::string code = blank_comments_and_literals(text);
  for (const Rule& rule : rules()) {
    for (auto it = std::sregex_iterator(code.begin(), code.end(), rule.pattern);
         it != std::sregex_iterator(); ++it)
      out.push_back({file_name, line_of(code, it->position()), rule.name, it->str()});
  }
  find_recursion(file_name, code, out);
  find_unscheduled_loops(file_name, code, out);
  return out;
}

std::vector<DisciplineViolation> scan_hls_tree(const std::filesystem::path& hls_dir,
                                               int& files_scanned) {
  std::vector<DisciplineViolation> out;
  files_scanned = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(hls_dir)) {
    if (!entry.is_regular_file()) continue;
    const auto rel = std::filesystem::relative(entry.path(), hls_dir);
    if (*rel.begin() == "compat") continue;
    const auto ext = entry.path().extension();
    if (ext != ".hpp" && ext != ".cpp" && ext != ".h") continue;
    std::ifstream in(entry.path());
    std::stringstream buf;
    buf << in.rdbuf();
    ++files_scanned;
    for (auto& v : scan_hls_source(rel.string(), buf.str())) out.push_back(std::move(v));
  }
  return out;
}

}  // namespace vxsn::csim
