// vxsnd's heap on transparent huge pages. A table of a million members is a few hundred MB
// of small allocations touched once at start (the state file, the warm table, the compiled
// members); on 4 KB pages most of that time is page faults (a restart with 1M entries:
// warm table built in 120 -> 42 ms, compiled in 245 -> 199 ms, restored in 716 -> 411 ms).
// glibc (2.35+) puts its heap on THP when the tunable glibc.malloc.hugetlb=1 is set, which
// it reads only at process start: so vxsnd sets it and executes itself again, once, before
// anything else runs. The kernel's THP mode must allow madvise (Debian's default).
#pragma once

namespace vxsn {

// Returns only if the tunable is already set, VXSN_MALLOC_HUGE_PAGES=0 turns this off, or
// the exec failed (vxsnd then runs on as it is).
void exec_with_malloc_huge_pages(char** argv);

}  // namespace vxsn
