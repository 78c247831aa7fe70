// The steering policy's rule list interpreted in software, in front of the datapath: for
// ports whose PMD cannot enforce it (AF_PACKET, pcap, ring, net_tap here), and as a
// check behind rte_flow rules (the same list, so it agrees with them). Ports steered by the
// XDP program skip it (SoftwareDatapath::skip_classifier): their socket gets only datapath
// frames.
// On kernel-backed ports the kernel already has its own copy of every frame, so the
// datapath only has to decide what it takes; "drop" frames are counted and let go.
//
// The match is deliberately loose (no length, checksum or address checks beyond the
// policy's): a malformed VXLAN frame must still reach the parser, to be counted under its
// drop reason.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "driver/steering/steering_policy.hpp"
#include "driver/steering/steering_rules.hpp"

namespace vxsn {

// The header fields the rules look at, read once per frame.
struct SteerFields {
  bool tagged = false;  // one 802.1Q tag (a second tag makes the frame "other")
  L3Match l3 = L3Match::kAny;
  IpAddr dst;
  uint8_t ip_proto = 0;
  bool fragment = false;  // IPv4 non-first fragment, or IPv6 fragment header first
  bool has_ports = false;
  uint16_t src_port = 0, dst_port = 0;
};

SteerFields read_steer_fields(std::span<const uint8_t> frame);
bool steer_match(const SteerMatch& match, const SteerFields& fields);

// Index in policy.rules of the first rule matching the frame. The policy always ends with
// a catch-all, so every frame has one.
size_t classify_frame(std::span<const uint8_t> frame, const SteeringPolicy& policy);

// One lane's software enforcer: frames classified by the rule set current for the burst,
// counted on that set's counters of this lane.
class SoftwareClassifier {
 public:
  // `rules` outlives this; `lane` < rules.lanes().
  SoftwareClassifier(const SteeringRules& rules, unsigned lane) : rules_(rules), lane_(lane) {}
  // Once per burst, inside a SteeringRules::ReadSection: the list every frame of the burst
  // is classified with (a reload's swap is seen at the next burst, never mid-list).
  const SteeringRuleSet& begin_burst() {
    set_ = rules_.current_for_reader();
    return *set_;
  }
  SteerAction classify(std::span<const uint8_t> frame) {
    return set_->policy.rules[classify_rule(frame)].action;
  }
  // The matched rule's index in the burst's list, counted.
  size_t classify_rule(std::span<const uint8_t> frame) {
    const size_t rule = classify_frame(frame, set_->policy);
    set_->lane_hits[lane_]->add(rule);
    return rule;
  }

 private:
  const SteeringRules& rules_;
  unsigned lane_;
  const SteeringRuleSet* set_ = nullptr;
};

}  // namespace vxsn
