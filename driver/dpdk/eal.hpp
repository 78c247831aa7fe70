// DPDK's Environment Abstraction Layer, initialised once per process.
#pragma once

#include <string>
#include <vector>

namespace vxsn {

// EAL arguments when the config gives none and the machine has no hugepages:
//  --no-huge -m 512   anonymous memory instead of hugepages (enough for a few ports'
//                     mbuf pools; an af_packet jumbo port's pool is ~135 MB)
//  --no-pci           PCI NICs cannot DMA into non-hugepage memory anyway
//  --no-shconf        no /var/run/dpdk lock files, so two vxsn processes (or tests) run
//                     side by side without distinct --file-prefix values
//  --no-telemetry     no shared telemetry socket for the second process to fight over
//  --log-level=notice keeps the PMDs' INFO chatter out of the daemon's log
inline const std::vector<std::string> kDefaultEalArgs = {
    "--no-huge", "-m", "512", "--no-pci", "--no-shconf", "--no-telemetry", "--log-level=notice"};

// With hugepages reserved (/proc/sys/vm/nr_hugepages > 0): --in-memory needs no hugetlbfs
// mount, leaves no files behind and implies no shared config; PCI stays enabled.
inline const std::vector<std::string> kHugepageEalArgs = {"--in-memory", "--no-telemetry",
                                                          "--log-level=notice"};

// kHugepageEalArgs when hugepages are reserved, else kDefaultEalArgs.
std::vector<std::string> default_eal_args();

// Initialises the EAL with `args` (argv[0] is added). Throws std::runtime_error carrying
// rte_strerror on failure, and on a second call: DPDK cannot initialise twice.
void eal_init(const std::vector<std::string>& args);
bool eal_initialised();
// Releases EAL resources at exit. The EAL cannot be initialised again afterwards.
void eal_cleanup();

}  // namespace vxsn
