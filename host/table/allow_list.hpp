// Who may be a member of which VNI, from the [[allow]] rules of the config. Shared by the
// registration server (a stranger must not add or withdraw a VTEP) and by learning from
// the datapath (learning would otherwise let any sender join any VNI).
#pragma once

#include <cstdint>
#include <vector>

#include "driver/net_types.hpp"
#include "host/config/config.hpp"

namespace vxsn {

class AllowList {
 public:
  // No rules: every address is allowed in every VNI.
  AllowList() = default;
  // A VNI covered by one or more rules allows exactly the addresses inside the prefixes of
  // those rules; a VNI no rule covers allows everything if `allow_unlisted_vnis`, else
  // nothing.
  AllowList(std::vector<AllowRule> rules, bool allow_unlisted_vnis);
  static AllowList from_config(const Config& config);

  bool allows(uint32_t vni, const IpAddr& addr) const;
  // True if some rule names this VNI (whether or not it allows a given address).
  bool covers(uint32_t vni) const;
  bool empty() const { return rules_.empty(); }

 private:
  std::vector<AllowRule> rules_;
  bool allow_unlisted_vnis_ = true;
};

// Learning switched on or off per VNI, from [[learning]] rules and table.learning.
class LearningPolicy {
 public:
  LearningPolicy() = default;  // learning on everywhere
  LearningPolicy(std::vector<LearningRule> rules, bool default_enabled);
  static LearningPolicy from_config(const Config& config);
  // The last rule covering `vni` decides; otherwise the default.
  bool enabled(uint32_t vni) const;

 private:
  std::vector<LearningRule> rules_;
  bool default_enabled_ = true;
};

}  // namespace vxsn
