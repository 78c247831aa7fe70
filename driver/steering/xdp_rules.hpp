// The steering policy loaded into the AF_XDP steering program (driver/xdp): the rule list
// encoded into its vxsn_rules map, and its per-rule hit counters read back. The af_xdp
// PMD loads and attaches the program; XdpSteering finds it on the interface afterwards.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "driver/steering/steering_policy.hpp"
#include "driver/xdp/vxsn_steer_rule.h"

namespace vxsn {

// Throws std::invalid_argument when the list is longer than the program's map.
std::vector<vxsn_steer_rule> encode_xdp_rules(const SteeringPolicy& policy);

// File descriptors of the program's maps (not owned).
struct XdpRuleMaps {
  int rules = -1, count = -1, hits = -1;
};

// Writes the rules into the program's idle bank, then flips the count word to it: the
// program matches a frame against the old list or the new one, never a mix. First waits
// until no program run still reads the idle bank (the list before the last flip): an RCU
// grace period, microseconds where the kernel expedites them, a few ms where not, so
// reloads may follow each other at any pace.
// Throws std::runtime_error naming the failing map; the active list then stays.
void write_xdp_rules(const XdpRuleMaps& maps, const SteeringPolicy& policy);
// Hits per rule of the active list, summed over CPUs.
std::vector<uint64_t> read_xdp_hits(const XdpRuleMaps& maps, size_t rules);

// The policy in the program attached to one interface.
class XdpSteering {
 public:
  // Throws std::runtime_error when no vxsn steering program is attached to `ifname`.
  static std::unique_ptr<XdpSteering> load(const std::string& ifname, const SteeringPolicy& policy);
  ~XdpSteering();
  XdpSteering(const XdpSteering&) = delete;
  XdpSteering& operator=(const XdpSteering&) = delete;
  // A new rule list in place (make-before-break: see write_xdp_rules). Throws as it does.
  void update(const SteeringPolicy& policy);
  std::vector<uint64_t> hits() const { return read_xdp_hits(maps_, rules_); }

 private:
  XdpSteering() = default;
  XdpRuleMaps maps_;
  size_t rules_ = 0;
};

}  // namespace vxsn
