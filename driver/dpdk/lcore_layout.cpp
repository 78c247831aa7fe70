#include "driver/dpdk/lcore_layout.hpp"

#include <sched.h>

#include <algorithm>
#include <stdexcept>

namespace vxsn {
namespace {

std::string cpu_set_text(const std::vector<unsigned>& cpus) {
  std::string s;
  for (unsigned c : cpus) s += (s.empty() ? "" : ",") + std::to_string(c);
  return s;
}

}  // namespace

std::string LcoreLayout::eal_argument() const {
  std::string s = "--lcores=0@(" + cpu_set_text(main_cpus) + ")";
  for (size_t i = 0; i < datapath_cpus.size(); ++i)
    s += "," + std::to_string(i + 1) + "@" + std::to_string(datapath_cpus[i]);
  return s;
}

std::vector<unsigned> usable_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::vector<unsigned> cpus;
  if (sched_getaffinity(0, sizeof set, &set) != 0) return cpus;
  for (unsigned c = 0; c < CPU_SETSIZE; ++c)
    if (CPU_ISSET(c, &set)) cpus.push_back(c);
  return cpus;
}

namespace {

bool set_affinity(const std::vector<unsigned>& cpus) {
  cpu_set_t set;
  CPU_ZERO(&set);
  for (unsigned c : cpus)
    if (c < CPU_SETSIZE) CPU_SET(c, &set);
  return !cpus.empty() && sched_setaffinity(0, sizeof set, &set) == 0;
}

}  // namespace

ScopedCpuAffinity::ScopedCpuAffinity(const std::vector<unsigned>& cpus) : before_(usable_cpus()) {
  changed_ = !before_.empty() && set_affinity(cpus);
}

ScopedCpuAffinity::~ScopedCpuAffinity() {
  if (changed_) set_affinity(before_);
}

LcoreLayout plan_lcores(unsigned count, const std::vector<unsigned>& cpus,
                        const std::vector<unsigned>& usable) {
  LcoreLayout l;
  if (!cpus.empty()) {
    for (unsigned c : cpus) {
      if (std::find(usable.begin(), usable.end(), c) == usable.end())
        throw std::runtime_error(
            "datapath.lcores names CPU " + std::to_string(c) +
            ", which this process cannot run on (usable CPUs: " + cpu_set_text(usable) + ")");
    }
    l.datapath_cpus = cpus;
  } else {
    if (count == 0) throw std::runtime_error("datapath.lcores: at least one datapath lcore");
    if (count > usable.size())
      throw std::runtime_error("datapath.lcores = " + std::to_string(count) +
                               " datapath lcores, but this machine lets the daemon use only " +
                               std::to_string(usable.size()) + " CPU(s) (" + cpu_set_text(usable) +
                               ")");
    l.datapath_cpus.assign(usable.end() - count, usable.end());
  }
  for (unsigned c : usable)
    if (std::find(l.datapath_cpus.begin(), l.datapath_cpus.end(), c) == l.datapath_cpus.end())
      l.main_cpus.push_back(c);
  if (l.main_cpus.empty()) l.main_cpus = usable;
  return l;
}

}  // namespace vxsn
