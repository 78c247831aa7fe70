// vxsnd's heap on transparent huge pages, in one arena. A table of a million members is a
// few hundred MB of small allocations touched once at start (the state file, the warm
// table, the compiled members); on 4 KB pages most of that time is page faults, and a
// thread's own arena (the warm table compiles on every core) gets fresh pages of its own.
// bench_state_restore, 1M entries: warm table built in 121 -> 43 ms, compiled on 2 threads
// in 245 -> 63 ms, restored in 716 -> 411 ms. glibc (2.35+) reads its tunables
// (glibc.malloc.hugetlb=1, glibc.malloc.arena_max=1) only at process start: so vxsnd sets
// them and executes itself again, once, before anything else runs. One arena costs little
// here: the datapath lcores do not allocate per frame, the other threads are the control
// plane's. The kernel's THP mode must allow madvise (Debian's default).
#pragma once

namespace vxsn {

// Returns only if the tunables are already set (by this or by the operator),
// VXSN_MALLOC_HUGE_PAGES=0 turns this off, or the exec failed (the process then runs on as
// it is). Benchmarks of the daemon's parts call it too, to measure what vxsnd runs.
void exec_with_malloc_huge_pages(char** argv);

}  // namespace vxsn
