// The per-VNI flood policy (source check, storm policer) the config's rules give each VNI:
// [[source_check]] and [[storm_control.vni]], the last rule covering a VNI winning, else
// table.source_check and storm_control.vni_*. Compiled into every VNI of the flood table.
#pragma once

#include <cstdint>
#include <vector>

#include "host/config/config.hpp"
#include "host/datapath/flood_policy.hpp"

namespace vxsn {

class VniPolicyRules {
 public:
  VniPolicyRules() = default;  // no rules: VniPolicy{} (open, unpoliced) everywhere
  explicit VniPolicyRules(const Config& config);
  VniPolicy for_vni(uint32_t vni) const;
  bool operator==(const VniPolicyRules&) const = default;

 private:
  SourceCheck default_check_ = VniPolicy{}.source_check;
  std::vector<SourceCheckRule> checks_;
  PolicerRate default_storm_;
  std::vector<StormRule> storms_;
};

}  // namespace vxsn
