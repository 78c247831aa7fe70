// A cheap static check of the HLS discipline (DEVELOPERS.md): kernel sources under hls/
// (hls/compat/ excepted: it is CPU-only simulation support) must not use the heap, std
// containers/strings/smart pointers/std::function, virtual calls, exceptions, endless
// process loops, recursion, loops that are neither bounded (a constant `for` bound) nor
// scheduled (a PIPELINE/UNROLL/LOOP_TRIPCOUNT pragma), or include anything outside hls/. Comments
// and string literals are blanked before matching, so prose about "new" or "std::vector" is not a
// violation.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace vxsn::csim {

struct DisciplineViolation {
  std::string file;
  int line = 0;
  std::string rule;  // short rule name, e.g. "heap", "recursion"
  std::string detail;
};

std::vector<DisciplineViolation> scan_hls_source(const std::string& file_name,
                                                 const std::string& text);

// Scans every .hpp/.cpp/.h under `hls_dir` except its compat/ folder. `files_scanned`
// receives how many files were read.
std::vector<DisciplineViolation> scan_hls_tree(const std::filesystem::path& hls_dir,
                                               int& files_scanned);

}  // namespace vxsn::csim
