// The steering policy's rule list interpreted in software, in front of the datapath: for
// ports whose PMD cannot enforce it (AF_PACKET, pcap, ring, net_tap here), and as a
// check behind the XDP program and rte_flow rules (the same list, so it agrees with them).
// On kernel-backed ports the kernel already has its own copy of every frame, so the
// datapath only has to decide what it takes; "drop" frames are counted and let go.
//
// The match is deliberately loose (no length, checksum or address checks beyond the
// policy's): a malformed VXLAN frame must still reach the parser, to be counted under its
// drop reason.
#pragma once

#include <atomic>
#include <cstdint>
#include <span>
#include <vector>

#include "driver/steering/steering_policy.hpp"

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

// Hits per rule, written by one poll thread, read by any.
class SteerRuleHits {
 public:
  explicit SteerRuleHits(size_t rules) : hits_(rules) {}
  void add(size_t rule) {
    hits_[rule].store(hits_[rule].load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }
  std::vector<uint64_t> snapshot() const;

 private:
  std::vector<std::atomic<uint64_t>> hits_;
};

// The software enforcer of one policy: classifies and counts.
class SoftwareClassifier {
 public:
  explicit SoftwareClassifier(const SteeringPolicy& policy)
      : policy_(policy), hits_(policy.rules.size()) {}
  SteerAction classify(std::span<const uint8_t> frame) {
    const size_t rule = classify_frame(frame, policy_);
    hits_.add(rule);
    return policy_.rules[rule].action;
  }
  const SteeringPolicy& policy() const { return policy_; }
  std::vector<uint64_t> hits() const { return hits_.snapshot(); }

 private:
  const SteeringPolicy& policy_;
  SteerRuleHits hits_;
};

}  // namespace vxsn
