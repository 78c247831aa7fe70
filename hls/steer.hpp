// steer: the steering policy's verdict for one frame, on the card (ControlRegs::steer_rules,
// the policy's rule list with the service address factored out). It reads what the
// software classifier reads (driver/steering/software_classifier.hpp) and matches as
// loosely: no length, checksum or flag checks beyond the rules', so a malformed VXLAN
// frame still reaches parse's checks to be counted under its drop reason.
//
// Timing intent: combinational on the two-beat header window (one per frame, at beat 1 of
// parse's beat loop): field extraction, kMaxSteerRules comparators in parallel and a
// priority encoder (the lowest matching rule wins); ~3 cycles of logic pipelined behind the
// beat loop's II=1.
#pragma once

#include "hls/control_regs.hpp"
#include "hls/hls_types.hpp"

namespace vxsn::hw {

// parse -> punt, one per frame: what the steering rules decided (kSteer* actions).
struct SteerVerdict {
  uint8_t action = kSteerDatapath;
};
using SteerStream = hls::stream<SteerVerdict, 2>;

// `seen` = how many bytes of the frame the window holds (the frame may be shorter than
// the window; bytes past it are zero). With no rules (steer_rule_count 0) every frame is
// the datapath's.
uint8_t steer_classify(const Word512& beat0, const Word512& beat1, uint32_t seen,
                       const ControlRegs& ctrl);

// The outer destination check parse and the steering rules share: one of the service
// addresses; with none configured, any destination.
bool is_service_address(const ControlRegs& ctrl, uint8_t family, const IpBits& dst);

}  // namespace vxsn::hw
