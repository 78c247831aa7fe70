// HLS discipline of hls/ (excluding hls/compat): the tree is clean, and the scanner really
// catches each kind of violation (checked on bad snippets held in memory).
#include <gtest/gtest.h>

#include "tests/csim/hls_discipline_scanner.hpp"

namespace vxsn::csim {
namespace {

std::vector<std::string> rules_hit(const std::string& snippet) {
  std::vector<std::string> r;
  for (const auto& v : scan_hls_source("snippet.cpp", snippet)) r.push_back(v.rule);
  return r;
}

TEST(HlsDiscipline, KernelSourcesAreClean) {
  const std::filesystem::path hls = std::filesystem::path(VXSN_REPO_SOURCE_DIR) / "hls";
  int files = 0;
  const auto violations = scan_hls_tree(hls, files);
  EXPECT_GE(files, 10) << "scanned too few files: wrong directory?";
  for (const auto& v : violations)
    ADD_FAILURE() << "hls/" << v.file << ":" << v.line << ": " << v.rule << " (" << v.detail << ")";
}

TEST(HlsDiscipline, ScannerCatchesEachViolation) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"int* p = new int[4];", "heap"},
      {"void f(int* p) { delete p; }", "heap"},
      {"void* p = malloc(64);", "heap"},
      {"void g(void* p) { free (p); }", "heap"},
      {"std::vector<int> v;", "std container/string/smart pointer"},
      {"std::string name;", "std container/string/smart pointer"},
      {"auto p = std::make_unique<int>(1);", "std container/string/smart pointer"},
      {"std::unique_ptr<int> p;", "std container/string/smart pointer"},
      {"std :: map<int, int> m;", "std container/string/smart pointer"},
      {"#include <vector>", "banned header"},
      {"#include <memory>", "banned header"},
      {"#include \"host/datapath/replicator.hpp\"", "include outside hls/"},
      {"struct A { virtual void f(); };", "virtual"},
      {"void f() { throw 1; }", "exception"},
      {"void f() { try { g(); } catch (...) {} }", "exception"},
      {"void p() { while (1) { step(); } }", "endless loop"},
      {"void p() { for (;;) step(); }", "endless loop"},
      {"unsigned fact(unsigned n) {\n  return n ? n * fact(n - 1) : 1;\n}", "recursion"},
      {"int walk(const Node& n, int d) const {\n if (d) return walk(n, d - 1);\n return 0; }",
       "recursion"},
      {"void f(unsigned n) { for (unsigned i = 0; i < n; ++i) step(); }",
       "loop neither bounded nor pipelined"},
      {"void f() { do { step(); } while (!last); }", "loop neither bounded nor pipelined"},
      {"void f() { while (more()) {\n step(); } }", "loop neither bounded nor pipelined"},
      {"void f(unsigned n) { for (unsigned i = 0; i < n; ++i) {\n for (unsigned j = 0; j < 4; "
       "++j) {\n#pragma HLS UNROLL\n } } }",
       "loop neither bounded nor pipelined"},
  };
  for (const auto& [snippet, rule] : bad) {
    const auto hit = rules_hit(snippet);
    EXPECT_NE(std::find(hit.begin(), hit.end(), rule), hit.end())
        << "not caught as " << rule << ": " << snippet;
  }
}

TEST(HlsDiscipline, ScannerIgnoresProseAndLegalCode) {
  const std::vector<std::string> fine = {
      "// a new frame; std::vector would be wrong here; delete nothing; virtual lanes\n",
      "/* while (1) is a hang; throw nothing */ int x = 1;",
      "const char* s = \"new std::string\";",
      "#include \"hls/table_layout.hpp\"\n#include <cstdint>",
      "unsigned renew(unsigned x) { return x + 1; }\nunsigned twice(unsigned x) { return "
      "renew(renew(x)); }",
      "void loop() { do {\n#pragma HLS PIPELINE II = 1\n step(); } while (!last); }",
      "void f() { for (unsigned i = 0; i < card::kMaxProbes * 2; ++i) step(i); }",
      "void f(unsigned n) { for (unsigned i = 0; i < n; ++i) {\n#pragma HLS UNROLL\n step(); } }",
      "std::uint32_t x = 0;",
  };
  for (const auto& snippet : fine) {
    const auto hit = rules_hit(snippet);
    EXPECT_TRUE(hit.empty()) << "false positive " << (hit.empty() ? "" : hit[0]) << ": " << snippet;
  }
}

}  // namespace
}  // namespace vxsn::csim
