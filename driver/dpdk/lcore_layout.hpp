// Which CPUs the EAL's lcores run on: lcore 0 is the main lcore (the control loop, the API
// and every thread the daemon starts later inherit its CPU set), lcores 1..N are the
// datapath's, one pinned CPU each. Expressed as one --lcores argument for rte_eal_init.
#pragma once

#include <string>
#include <vector>

namespace vxsn {

struct LcoreLayout {
  std::vector<unsigned> datapath_cpus;  // lcore i+1 runs on datapath_cpus[i]
  std::vector<unsigned> main_cpus;      // lcore 0's CPU set
  // "--lcores=0@(0),1@1,...": the EAL argument.
  std::string eal_argument() const;
};

// The CPUs this process may run on (its affinity mask), ascending.
std::vector<unsigned> usable_cpus();

// The calling thread runs on `cpus` (and the threads it starts meanwhile inherit them)
// until this goes, then on its CPUs from before. The EAL pins the main thread to the main
// lcore's CPUs: work done on every core before the datapath lcores poll (the first table)
// widens it for that while. An empty list, or one the kernel refuses, changes nothing.
class ScopedCpuAffinity {
 public:
  explicit ScopedCpuAffinity(const std::vector<unsigned>& cpus);
  ~ScopedCpuAffinity();
  ScopedCpuAffinity(const ScopedCpuAffinity&) = delete;
  ScopedCpuAffinity& operator=(const ScopedCpuAffinity&) = delete;

 private:
  std::vector<unsigned> before_;
  bool changed_ = false;
};

// `count` datapath lcores on the last `count` usable CPUs, or on `cpus` when given (then
// `count` is ignored). The main lcore gets the usable CPUs the datapath does not use, or,
// when it uses them all (2 lcores on a 2-core machine), every usable CPU: the control loop
// is mostly asleep in poll(). Throws std::runtime_error naming what was asked and what the
// machine has.
LcoreLayout plan_lcores(unsigned count, const std::vector<unsigned>& cpus,
                        const std::vector<unsigned>& usable);

}  // namespace vxsn
